using Mesh.ServiceDefaults.Validation;
using Mesh.Users.Domain;
using Xunit;

namespace Mesh.Users.Tests.Domain;

public sealed class DisplayNameTests
{
    [Theory]
    [InlineData("A")]
    [InlineData("Ada Lovelace")]
    [InlineData("  padded  ")]
    [InlineData("Zoë 😀")]
    public void Validate_ReadableName_Accepts(string name)
    {
        Assert.True(DisplayName.Validate(new FieldErrors(), "display_name", name));
    }

    [Theory]
    [InlineData("")]
    [InlineData("  \t ")]
    [InlineData("bell\u0007")]
    [InlineData("zero\u200Bwidth")]
    [InlineData("\u202Eevil")]
    [InlineData("line\nbreak")]
    public void Validate_EmptyOrHiddenCharacters_AddsViolation(string name)
    {
        var errors = new FieldErrors();

        Assert.False(DisplayName.Validate(errors, "display_name", name));
        Assert.Equal("display_name", Assert.Single(errors.Violations).Field);
    }

    [Fact]
    public void Validate_LengthBoundaries_AcceptsExactly100()
    {
        Assert.True(DisplayName.Validate(new FieldErrors(), "display_name", new string('x', 100)));
        Assert.False(DisplayName.Validate(new FieldErrors(), "display_name", new string('x', 101)));
    }

    [Fact]
    public void Validate_HundredEmojiSurrogatePairs_CountsCharactersNotUtf16Units()
    {
        Assert.True(DisplayName.Validate(new FieldErrors(), "display_name", string.Concat(Enumerable.Repeat("😀", 100))));
        Assert.False(DisplayName.Validate(new FieldErrors(), "display_name", string.Concat(Enumerable.Repeat("😀", 101))));
    }

    [Fact]
    public void Normalize_DecomposedName_TrimsAndComposes()
    {
        Assert.Equal("Zo\u00EB", DisplayName.Normalize(" Zoe\u0308 "));
    }
}
