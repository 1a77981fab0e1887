using Mesh.Users.Domain;

namespace Mesh.Users.Storage;

/// <summary>How a <see cref="UserStatus"/> is stored (the users.state column, the same text in every provider).</summary>
public static class UserStateText
{
    public static string Of(UserStatus status) => status switch
    {
        UserStatus.Active => "active",
        UserStatus.Deactivated => "deactivated",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "unknown user status"),
    };

    public static UserStatus Parse(string state) => state switch
    {
        "active" => UserStatus.Active,
        "deactivated" => UserStatus.Deactivated,
        _ => throw new InvalidOperationException($"Stored user state '{state}' is not one this build knows."),
    };
}
