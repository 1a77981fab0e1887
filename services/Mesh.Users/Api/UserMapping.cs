using Google.Protobuf.WellKnownTypes;
using Mesh.Users.Domain;
using Mesh.Users.V1;

namespace Mesh.Users.Api;

/// <summary>Domain records to proto messages.</summary>
public static class UserMapping
{
    public static User ToProto(UserRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return new User
        {
            UserId = record.UserId,
            Email = record.Email,
            DisplayName = record.DisplayName,
            State = ToProto(record.Status),
            CreateTime = Timestamp.FromDateTimeOffset(record.CreateTime),
            UpdateTime = Timestamp.FromDateTimeOffset(record.UpdateTime),
        };
    }

    public static UserState ToProto(UserStatus status) => status switch
    {
        UserStatus.Active => UserState.Active,
        UserStatus.Deactivated => UserState.Deactivated,
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "unknown user status"),
    };
}
