using Mesh.Common.V1;
using Mesh.ServiceDefaults.Validation;

namespace Mesh.ServiceDefaults.Tests;

public class FieldRulesTests
{
    [Theory]
    [InlineData("0b6f1c1e-8d3a-4c38-9b1f-2f6a3c1d9e42", true)]
    [InlineData("0B6F1C1E-8D3A-4C38-9B1F-2F6A3C1D9E42", true)]
    [InlineData("", false)]
    [InlineData("0b6f1c1e8d3a4c389b1f2f6a3c1d9e42", false)]
    [InlineData("{0b6f1c1e-8d3a-4c38-9b1f-2f6a3c1d9e42}", false)]
    [InlineData("not-a-uuid", false)]
    public void Uuid_VariousInputs_AcceptsOnlyHyphenatedForm(string value, bool expected)
    {
        var errors = new FieldErrors();

        Assert.Equal(expected, FieldRules.Uuid(errors, "user_id", value));
        Assert.Equal(expected, errors.IsEmpty);
        if (!expected)
        {
            Assert.Equal("user_id", Assert.Single(errors.Violations).Field);
        }
    }

    [Theory]
    [InlineData("Ada Lovelace", true)]
    [InlineData("  padded  ", true)]
    [InlineData("Zoë 🚀", true)]
    [InlineData("", false)]
    [InlineData("   ", false)]
    [InlineData("evil\u202Eeman", false)] // right-to-left override hides text
    [InlineData("zero\u200Bwidth", false)] // zero-width space
    [InlineData("\U0001F469\u200D\U0001F4BB coder", true)] // woman technologist: joiner between emoji
    [InlineData("\u0645\u06CC\u200C\u062E\u0648\u0627\u0647\u0645", true)] // Persian with a non-joiner
    [InlineData("dangling\u200D", false)] // a joiner with nothing to join
    [InlineData("a\u200D\u200Db", false)] // stacked joiners
    [InlineData("tab\there", false)]
    [InlineData("nul\0byte", false)]
    [InlineData("bad\uFFFDutf8", false)] // what a decoder leaves of malformed UTF-8
    public void Text_VariousInputs_RejectsHiddenAndMalformedCharacters(string value, bool expected)
    {
        var errors = new FieldErrors();

        Assert.Equal(expected, FieldRules.Text(errors, "display_name", value, 1, 100));
        Assert.Equal(expected, errors.IsEmpty);
    }

    [Fact]
    public void Text_UnpairedSurrogates_AreRejected()
    {
        // Built at run time: xunit's data serialisation would replace a lone surrogate.
        var high = "lone" + (char)0xD800 + "surrogate";
        var low = (char)0xDC00 + "leading low";

        Assert.False(FieldRules.Text(new FieldErrors(), "name", high, 1, 100));
        Assert.False(FieldRules.Text(new FieldErrors(), "name", low, 1, 100));
    }

    [Fact]
    public void Text_LengthCountsRunesAfterNormalisation()
    {
        // Five emoji are ten UTF-16 units but five characters; e + combining acute composes to one.
        var emoji = string.Concat(Enumerable.Repeat("🚀", 5));
        var decomposed = string.Concat(Enumerable.Repeat("e\u0301", 5));

        Assert.True(FieldRules.Text(new FieldErrors(), "name", emoji, 1, 5));
        Assert.True(FieldRules.Text(new FieldErrors(), "name", decomposed, 1, 5));
        Assert.False(FieldRules.Text(new FieldErrors(), "name", emoji + "x", 1, 5));
    }

    [Fact]
    public void Text_OptionalEmpty_IsAccepted()
    {
        Assert.True(FieldRules.Text(new FieldErrors(), "reason", "", 0, 200));
    }

    [Fact]
    public void Normalize_ComposesAndTrims()
    {
        Assert.Equal("\u00E9", FieldRules.Normalize("  e\u0301 "));
    }

    [Theory]
    [InlineData("MESH-MUG", true)]
    [InlineData("a.b_c-1", true)]
    [InlineData("-leading", false)]
    [InlineData("has space", false)]
    [InlineData("ünïcode", false)]
    [InlineData("", false)]
    public void Identifier_VariousInputs_AllowsOnlyTheDocumentedAlphabet(string value, bool expected)
    {
        Assert.Equal(expected, FieldRules.Identifier(new FieldErrors(), "sku", value, 64));
    }

    [Fact]
    public void Identifier_TooLong_IsRejected()
    {
        Assert.False(FieldRules.Identifier(new FieldErrors(), "sku", new string('A', 65), 64));
        Assert.True(FieldRules.Identifier(new FieldErrors(), "sku", new string('A', 64), 64));
    }

    [Fact]
    public void Price_BadCurrencyAndNegativeAmount_NamesBothSubfields()
    {
        var errors = new FieldErrors();

        Assert.False(FieldRules.Price(errors, "unit_price", new Money { CurrencyCode = "usd", AmountMinor = -1 }));
        Assert.Equal(["unit_price.currency_code", "unit_price.amount_minor"], errors.Violations.Select(v => v.Field));
    }

    [Fact]
    public void Price_Missing_IsRequired()
    {
        var errors = new FieldErrors();

        Assert.False(FieldRules.Price(errors, "unit_price", null));
        Assert.Equal("is required", Assert.Single(errors.Violations).Description);
    }

    [Theory]
    [InlineData(0, FieldRules.DefaultPageSize)]
    [InlineData(7, 7)]
    [InlineData(10_000, FieldRules.MaxPageSize)]
    public void PageSize_ZeroAndHuge_AreCoerced(int requested, int expected)
    {
        Assert.Equal(expected, FieldRules.PageSize(new PageRequest { PageSize = requested }));
    }

    [Fact]
    public void Page_NegativeSize_IsRejected()
    {
        var errors = new FieldErrors();

        Assert.False(FieldRules.Page(errors, "page", new PageRequest { PageSize = -1 }));
        Assert.Equal("page.page_size", Assert.Single(errors.Violations).Field);
    }

    [Fact]
    public void DistinctCount_Duplicate_NamesTheRepeatedEntry()
    {
        var errors = new FieldErrors();

        Assert.False(FieldRules.DistinctCount(errors, "skus", ["A", "B", "A"], s => s, 1, 10));
        Assert.Equal("skus[2]", Assert.Single(errors.Violations).Field);
    }

    [Fact]
    public void DistinctCount_OutOfBounds_IsRejected()
    {
        Assert.False(FieldRules.DistinctCount(new FieldErrors(), "skus", Array.Empty<string>(), s => s, 1, 10));
        Assert.False(FieldRules.DistinctCount(new FieldErrors(), "skus", Enumerable.Range(0, 11).Select(i => $"S{i}").ToList(), s => s, 1, 10));
    }
}
