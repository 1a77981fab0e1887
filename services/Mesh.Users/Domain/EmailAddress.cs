using System.Text;
using Mesh.ServiceDefaults.Validation;

namespace Mesh.Users.Domain;

/// <summary>
/// The email rules of users.proto: 3 to 254 characters after trimming and NFC, exactly one
/// "@" with text on both sides, no whitespace, control or format characters.
/// </summary>
public static class EmailAddress
{
    public const int MinLength = 3;
    public const int MaxLength = 254;

    /// <summary>Adds a violation on <paramref name="field"/> and returns false when <paramref name="value"/> is not a valid email.</summary>
    public static bool Validate(FieldErrors errors, string field, string value)
    {
        ArgumentNullException.ThrowIfNull(errors);
        ArgumentNullException.ThrowIfNull(value);

        // Text covers required, well-formed UTF-16, control/format/unassigned characters and length.
        if (!FieldRules.Text(errors, field, value, MinLength, MaxLength))
        {
            return false;
        }

        var email = Normalize(value);
        if (email.EnumerateRunes().Any(Rune.IsWhiteSpace))
        {
            errors.Add(field, "must not contain whitespace");
            return false;
        }

        var at = email.IndexOf('@', StringComparison.Ordinal);
        if (at <= 0 || at == email.Length - 1 || email.IndexOf('@', at + 1) >= 0)
        {
            errors.Add(field, "must contain exactly one \"@\" with text on both sides, e.g. ada@example.com");
            return false;
        }

        return true;
    }

    /// <summary>The stored form: trimmed and NFC-normalised, case kept as given.</summary>
    public static string Normalize(string value) => FieldRules.Normalize(value);

    /// <summary>
    /// The uniqueness key of a normalised email: lower-cased (invariant) and re-normalised, since
    /// lower-casing can leave a string that is no longer in NFC.
    /// </summary>
    public static string Key(string normalizedEmail)
    {
        ArgumentNullException.ThrowIfNull(normalizedEmail);
        return normalizedEmail.ToLowerInvariant().Normalize(NormalizationForm.FormC);
    }
}
