using Mesh.Users.Domain;

namespace Mesh.Users.Tests.Support;

/// <summary>Store-level inputs as UserGrpcService builds them (normalised fields, a fresh UUIDv7 per call).</summary>
public static class NewUsers
{
    public static NewUser Draft(string? email = null, string displayName = "Ada Lovelace", string? requestId = null) =>
        new(requestId ?? TestData.NewRequestId(), EmailAddress.Normalize(email ?? TestData.UniqueEmail()), DisplayName.Normalize(displayName));

    public static string NewId() => Guid.CreateVersion7().ToString();

    /// <summary>A time with millisecond precision, as the service stores it.</summary>
    public static DateTimeOffset Now() => DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
}
