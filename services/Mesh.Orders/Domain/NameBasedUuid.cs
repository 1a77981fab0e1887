using System.Security.Cryptography;
using System.Text;

namespace Mesh.Orders.Domain;

/// <summary>
/// Deterministic UUIDs (RFC 9562 version 8, from the first 16 bytes of a SHA-256 of the name):
/// the same name always gives the same id, so a repeated downstream write reuses its
/// idempotency key instead of applying twice.
/// </summary>
public static class NameBasedUuid
{
    // Keeps these ids apart from any other name-based ids that might hash the same text.
    private const string Namespace = "mesh.orders.v1/";

    public static string Create(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(Namespace + name), hash);
        var bytes = hash[..16];
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80); // version 8 (custom)
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC 9562 variant
        return new Guid(bytes, bigEndian: true).ToString();
    }

    /// <summary>The AdjustStock request_id that gives back the stock of one line of a cancelled order.</summary>
    public static string ForCancelledLine(string orderId, string sku)
    {
        ArgumentException.ThrowIfNullOrEmpty(orderId);
        ArgumentException.ThrowIfNullOrEmpty(sku);
        return Create("cancel/" + orderId + "/" + sku);
    }
}
