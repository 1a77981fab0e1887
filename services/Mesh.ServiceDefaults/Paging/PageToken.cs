using System.Buffers.Text;
using System.Text;
using Mesh.ServiceDefaults.Errors;

namespace Mesh.ServiceDefaults.Paging;

/// <summary>
/// Opaque page tokens: the last key of the previous page bound to the filter it was issued
/// for. Tokens are not secrets; they only need to be unambiguous and checkable.
/// </summary>
public static class PageToken
{
    private const string Version = "p1";
    private const char Separator = '\u001f';

    public static string Encode(string scope, string lastKey) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(string.Join(Separator, Version, scope, lastKey)));

    /// <summary>
    /// Returns the last key encoded in <paramref name="token"/>, or null for an empty token.
    /// Throws INVALID_ARGUMENT naming <paramref name="field"/> for a malformed token or one
    /// issued for another scope (for example another user's listing).
    /// </summary>
    public static string? Decode(string token, string scope, string field = "page.page_token")
    {
        if (string.IsNullOrEmpty(token))
        {
            return null;
        }

        string[] parts;
        try
        {
            parts = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token)).Split(Separator);
        }
        catch (FormatException)
        {
            throw MeshErrors.InvalidArgument(field, "is not a token this service issued");
        }

        if (parts.Length != 3 || parts[0] != Version || parts[2].Length == 0)
        {
            throw MeshErrors.InvalidArgument(field, "is not a token this service issued");
        }

        if (parts[1] != scope)
        {
            throw MeshErrors.InvalidArgument(field, "was issued for a different listing; start again without a token");
        }

        return parts[2];
    }
}
