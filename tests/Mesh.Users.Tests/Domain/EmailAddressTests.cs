using Mesh.ServiceDefaults.Validation;
using Mesh.Users.Domain;
using Xunit;

namespace Mesh.Users.Tests.Domain;

public sealed class EmailAddressTests
{
    [Theory]
    [InlineData("a@b")]
    [InlineData("ada@example.com")]
    [InlineData("  ada@example.com  ")]
    [InlineData("jürgen@bücher.example")]
    [InlineData("用户@例子.广告")]
    public void Validate_WellFormedEmail_Accepts(string email)
    {
        var errors = new FieldErrors();

        Assert.True(EmailAddress.Validate(errors, "email", email));
        Assert.True(errors.IsEmpty);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("@example.com")]
    [InlineData("ada@")]
    [InlineData("ab")]
    [InlineData("no-at-sign.example.com")]
    [InlineData("a@b@c")]
    [InlineData("a b@example.com")]
    [InlineData("a\u00A0b@example.com")]
    [InlineData("a\u3000b@example.com")]
    [InlineData("a\tb@example.com")]
    [InlineData("a\u200Bb@example.com")]
    [InlineData("a\u202Eb@example.com")]
    [InlineData("a\u0000b@example.com")]
    public void Validate_MalformedEmail_AddsViolationOnField(string email)
    {
        var errors = new FieldErrors();

        Assert.False(EmailAddress.Validate(errors, "email", email));
        var violation = Assert.Single(errors.Violations);
        Assert.Equal("email", violation.Field);
    }

    [Fact]
    public void Validate_UnpairedSurrogate_AddsViolation()
    {
        var errors = new FieldErrors();

        Assert.False(EmailAddress.Validate(errors, "email", "a\uD800b@example.com"));
        Assert.Equal("email", Assert.Single(errors.Violations).Field);
    }

    [Fact]
    public void Validate_LengthBoundaries_AcceptsExactly254()
    {
        var at254 = new string('a', 254 - "@example.com".Length) + "@example.com";
        var at255 = "a" + at254;

        Assert.True(EmailAddress.Validate(new FieldErrors(), "email", at254));
        Assert.False(EmailAddress.Validate(new FieldErrors(), "email", at255));
    }

    [Fact]
    public void Validate_DecomposedCharacters_CountsLengthAfterNfc()
    {
        // 250 "é" written as e + combining acute: 500 UTF-16 units, 250 characters in NFC.
        var local = string.Concat(Enumerable.Repeat("e\u0301", 250));

        Assert.True(EmailAddress.Validate(new FieldErrors(), "email", local + "@b.c"));
    }

    [Fact]
    public void Normalize_SpacesAndDecomposedCharacters_TrimsAndComposes()
    {
        Assert.Equal("J\u00FCrgen@Example.com", EmailAddress.Normalize("  Ju\u0308rgen@Example.com \t"));
    }

    [Theory]
    [InlineData("Ada@Example.COM", "ada@example.com")]
    [InlineData("\u00C4DA@example.com", "\u00E4da@example.com")]
    [InlineData("\u0391\u0394\u0391@example.com", "\u03B1\u03B4\u03B1@example.com")]
    public void Key_MixedCase_LowerCases(string email, string expected)
    {
        Assert.Equal(expected, EmailAddress.Key(email));
    }

    [Fact]
    public void Key_DecomposedAndPrecomposedUpperCase_ProduceSameKey()
    {
        var decomposed = EmailAddress.Key(EmailAddress.Normalize("A\u0308da@example.com"));
        var precomposed = EmailAddress.Key(EmailAddress.Normalize("\u00E4DA@EXAMPLE.com"));

        Assert.Equal(precomposed, decomposed);
    }
}
