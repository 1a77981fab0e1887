using System.Security.Cryptography;
using System.Text;

namespace Mesh.Users.Domain;

/// <summary>
/// A SHA-256 digest of a CreateUser request's normalised fields. Storing the digest rather than
/// the fields keeps a retry check possible after the user changes their email, without keeping
/// the old address around.
/// </summary>
public static class RequestFingerprint
{
    // U+001F cannot occur in either field (validation rejects control characters), so the
    // joined form is unambiguous: ("a", "bc") and ("ab", "c") never collide.
    private const char Separator = '\u001f';

    public static string Of(string email, string displayName)
    {
        ArgumentNullException.ThrowIfNull(email);
        ArgumentNullException.ThrowIfNull(displayName);
        var bytes = Encoding.UTF8.GetBytes(string.Concat(email, Separator.ToString(), displayName));
        return Convert.ToHexStringLower(SHA256.HashData(bytes));
    }
}
