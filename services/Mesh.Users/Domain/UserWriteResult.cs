namespace Mesh.Users.Domain;

/// <summary>The outcome of a write and, when there is one, the user as stored afterwards.</summary>
public sealed record UserWriteResult(UserWriteStatus Status, UserRecord? User)
{
    public static UserWriteResult Of(UserWriteStatus status, UserRecord user) => new(status, user);

    public static UserWriteResult Without(UserWriteStatus status) => new(status, null);
}
