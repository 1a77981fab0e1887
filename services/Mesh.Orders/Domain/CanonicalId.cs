namespace Mesh.Orders.Domain;

/// <summary>
/// UUIDs are accepted in any case but stored and compared lower-case (as every Mesh service
/// issues them), so an upper-case retry finds the same order and the same request_id.
/// </summary>
public static class CanonicalId
{
    public static string Of(string uuid)
    {
        ArgumentNullException.ThrowIfNull(uuid);
        return uuid.ToLowerInvariant();
    }
}
