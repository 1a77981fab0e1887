namespace Mesh.Users.Api;

/// <summary>
/// UUIDs are accepted in any case but stored lower-case (as issued), so a request in upper
/// case finds the same user and the same request id.
/// </summary>
public static class UserIds
{
    public static string Canonical(string uuid)
    {
        ArgumentNullException.ThrowIfNull(uuid);
        return uuid.ToLowerInvariant();
    }
}
