using System.Globalization;
using Mesh.ServiceDefaults.Errors;
using Mesh.ServiceDefaults.Paging;

namespace Mesh.Users.Api;

/// <summary>ListUsers page tokens: the storage sequence of the last user returned.</summary>
public static class UserPageTokens
{
    private const string Scope = "users";
    private const string Field = "page.page_token";

    public static string Encode(long lastSequence) =>
        PageToken.Encode(Scope, lastSequence.ToString(CultureInfo.InvariantCulture));

    /// <summary>The sequence to list after: 0 for an empty token; INVALID_ARGUMENT for one this service did not issue.</summary>
    public static long Decode(string token)
    {
        var key = PageToken.Decode(token, Scope, Field);
        if (key is null)
        {
            return 0;
        }

        if (!long.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var sequence) || sequence <= 0)
        {
            throw MeshErrors.InvalidArgument(Field, "is not a token this service issued");
        }

        return sequence;
    }
}
