using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Mesh.Orders.Domain;

/// <summary>
/// A SHA-256 digest of a PlaceOrder request's content (user and lines, in request order). Two
/// requests with the same request_id are "the same request" exactly when their digests match.
/// </summary>
public static class RequestFingerprint
{
    public static string Of(string userId, IReadOnlyList<RequestedLine> lines)
    {
        ArgumentNullException.ThrowIfNull(userId);
        ArgumentNullException.ThrowIfNull(lines);

        // Skus are [A-Za-z0-9._-] (validated), so ':' and '\n' cannot occur inside a field and
        // the text is unambiguous. Line order counts: the order's lines keep request order.
        var canonical = new StringBuilder("v1\n").Append(CanonicalId.Of(userId));
        foreach (var line in lines)
        {
            canonical.Append('\n').Append(line.Sku).Append(':').Append(line.Quantity.ToString(CultureInfo.InvariantCulture));
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical.ToString())));
    }
}
