using System.Globalization;
using Mesh.ServiceDefaults.Errors;
using Mesh.ServiceDefaults.Paging;

namespace Mesh.Orders.Api;

/// <summary>ListOrders page tokens: the sequence of the last order returned, bound to the user listed.</summary>
public static class OrderPageTokens
{
    private const string Field = "page.page_token";

    public static string Encode(string userId, long lastSequence) =>
        PageToken.Encode(Scope(userId), lastSequence.ToString(CultureInfo.InvariantCulture));

    /// <summary>The sequence to continue below, or null for the first page.</summary>
    public static long? Decode(string? token, string userId)
    {
        var key = PageToken.Decode(token ?? string.Empty, Scope(userId), Field);
        if (key is null)
        {
            return null;
        }

        return long.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var sequence) && sequence > 0
            ? sequence
            : throw MeshErrors.InvalidArgument(Field, "is not a token this service issued");
    }

    private static string Scope(string userId) => "orders/" + userId;
}
