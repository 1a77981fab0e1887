using System.Globalization;
using System.Text;
using Mesh.Common.V1;

namespace Mesh.ServiceDefaults.Validation;

/// <summary>
/// Field checks shared by every service. Each adds a violation naming the field and
/// returns whether the value was acceptable, so callers can skip dependent checks.
/// </summary>
public static class FieldRules
{
    public const int MaxPageSize = 200;
    public const int DefaultPageSize = 50;
    public const long MaxPriceMinor = 100_000_000_000;

    /// <summary>A canonical UUID: 36 characters, hyphenated, any case.</summary>
    public static bool Uuid(FieldErrors errors, string field, string value)
    {
        if (string.IsNullOrEmpty(value))
        {
            errors.Add(field, "is required");
            return false;
        }

        if (value.Length != 36 || !Guid.TryParseExact(value, "D", out _))
        {
            errors.Add(field, "must be a UUID such as 0b6f1c1e-8d3a-4c38-9b1f-2f6a3c1d9e42");
            return false;
        }

        return true;
    }

    /// <summary>
    /// Human text: required unless <paramref name="minLength"/> is 0, trimmed length within
    /// bounds (counted in Unicode scalar values), well-formed UTF-16, no control or
    /// format characters (which hide text, e.g. bidi overrides), except a zero-width joiner
    /// or non-joiner between two visible characters.
    /// </summary>
    public static bool Text(FieldErrors errors, string field, string value, int minLength, int maxLength)
    {
        var trimmed = value.Trim();
        if (trimmed.Length == 0)
        {
            if (minLength > 0)
            {
                errors.Add(field, "is required");
                return false;
            }

            return true;
        }

        if (!IsWellFormed(trimmed))
        {
            errors.Add(field, "contains invalid UTF-16 (an unpaired surrogate)");
            return false;
        }

        var runes = trimmed.EnumerateRunes().ToArray();
        for (var index = 0; index < runes.Length; index++)
        {
            var rune = runes[index];
            if (rune == Rune.ReplacementChar)
            {
                errors.Add(field, "contains U+FFFD, the mark of malformed UTF-8; send valid UTF-8");
                return false;
            }

            if (IsJoinerBetweenVisibleCharacters(runes, index))
            {
                continue;
            }

            var category = Rune.GetUnicodeCategory(rune);
            if (category is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.LineSeparator
                or UnicodeCategory.ParagraphSeparator or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned)
            {
                errors.Add(field, $"must not contain control, format or unassigned characters (found U+{rune.Value:X4})");
                return false;
            }
        }

        var length = trimmed.Normalize(NormalizationForm.FormC).EnumerateRunes().Count();
        if (length < minLength || length > maxLength)
        {
            errors.Add(field, $"must be {minLength} to {maxLength} characters (was {length})");
            return false;
        }

        return true;
    }

    /// <summary>Trims and NFC-normalises text that passed <see cref="Text"/>, so equal-looking strings store equal.</summary>
    public static string Normalize(string value) => value.Trim().Normalize(NormalizationForm.FormC);

    /// <summary>An identifier of 1..maxLength ASCII characters from a fixed alphabet, starting with a letter or digit.</summary>
    public static bool Identifier(FieldErrors errors, string field, string value, int maxLength, string extraChars = "._-")
    {
        if (string.IsNullOrEmpty(value))
        {
            errors.Add(field, "is required");
            return false;
        }

        var ok = value.Length <= maxLength
            && char.IsAsciiLetterOrDigit(value[0])
            && value.All(c => char.IsAsciiLetterOrDigit(c) || extraChars.Contains(c, StringComparison.Ordinal));
        if (!ok)
        {
            errors.Add(field, $"must be 1 to {maxLength} characters of A-Z, a-z, 0-9 and \"{extraChars}\", starting with a letter or digit");
        }

        return ok;
    }

    public static bool Range(FieldErrors errors, string field, long value, long min, long max)
    {
        if (value < min || value > max)
        {
            errors.Add(field, $"must be between {min.ToString(CultureInfo.InvariantCulture)} and {max.ToString(CultureInfo.InvariantCulture)} (was {value.ToString(CultureInfo.InvariantCulture)})");
            return false;
        }

        return true;
    }

    /// <summary>A price: ISO 4217-shaped currency code and 0..<see cref="MaxPriceMinor"/> minor units.</summary>
    public static bool Price(FieldErrors errors, string field, Money? money)
    {
        if (money is null)
        {
            errors.Add(field, "is required");
            return false;
        }

        var ok = true;
        if (money.CurrencyCode.Length != 3 || !money.CurrencyCode.All(char.IsAsciiLetterUpper))
        {
            errors.Add($"{field}.currency_code", "must be three upper-case ASCII letters (ISO 4217), e.g. USD");
            ok = false;
        }

        return Range(errors, $"{field}.amount_minor", money.AmountMinor, 0, MaxPriceMinor) && ok;
    }

    /// <summary>A page request: non-negative size; the token is checked by <see cref="Paging.PageToken"/>.</summary>
    public static bool Page(FieldErrors errors, string field, PageRequest? page)
    {
        if (page is null || page.PageSize >= 0)
        {
            return true;
        }

        errors.Add($"{field}.page_size", "must not be negative");
        return false;
    }

    /// <summary>The effective page size: the default for 0, at most <see cref="MaxPageSize"/>.</summary>
    public static int PageSize(PageRequest? page) =>
        page is null || page.PageSize == 0 ? DefaultPageSize : Math.Min(page.PageSize, MaxPageSize);

    /// <summary>A repeated field's item count within bounds, and its keys distinct.</summary>
    public static bool DistinctCount<T>(FieldErrors errors, string field, IReadOnlyCollection<T> items, Func<T, string> key, int min, int max)
    {
        if (items.Count < min || items.Count > max)
        {
            errors.Add(field, $"must have {min} to {max} entries (had {items.Count})");
            return false;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var index = 0;
        foreach (var item in items)
        {
            if (!seen.Add(key(item)))
            {
                errors.Add($"{field}[{index}]", $"duplicates '{key(item)}'; each entry must be distinct");
                return false;
            }

            index++;
        }

        return true;
    }

    // Zero-width (non-)joiners are real text between two visible characters: emoji sequences
    // such as 👩‍💻 and Persian or Indic names need them. Anywhere else they only hide things.
    private static bool IsJoinerBetweenVisibleCharacters(Rune[] runes, int index)
    {
        if (runes[index].Value is not (0x200C or 0x200D) || index == 0 || index == runes.Length - 1)
        {
            return false;
        }

        return IsVisible(runes[index - 1]) && IsVisible(runes[index + 1]);

        static bool IsVisible(Rune rune) =>
            Rune.GetUnicodeCategory(rune) is not (UnicodeCategory.Format or UnicodeCategory.Control
                or UnicodeCategory.SpaceSeparator or UnicodeCategory.OtherNotAssigned);
    }

    private static bool IsWellFormed(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            if (char.IsHighSurrogate(value[i]))
            {
                if (i + 1 >= value.Length || !char.IsLowSurrogate(value[i + 1]))
                {
                    return false;
                }

                i++;
            }
            else if (char.IsLowSurrogate(value[i]))
            {
                return false;
            }
        }

        return true;
    }
}
