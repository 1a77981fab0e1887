using Mesh.ServiceDefaults.Validation;

namespace Mesh.Users.Domain;

/// <summary>The display name rules of users.proto: 1 to 100 characters after trimming, no control characters.</summary>
public static class DisplayName
{
    public const int MinLength = 1;
    public const int MaxLength = 100;

    public static bool Validate(FieldErrors errors, string field, string value) =>
        FieldRules.Text(errors, field, value, MinLength, MaxLength);

    /// <summary>The stored form: trimmed and NFC-normalised.</summary>
    public static string Normalize(string value) => FieldRules.Normalize(value);
}
