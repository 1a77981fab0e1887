using Google.Protobuf.WellKnownTypes;
using Mesh.Common.V1;
using Mesh.Users.Domain;
using Mesh.Users.V1;

namespace Mesh.Users.Api;

/// <summary>Domain records to proto messages.</summary>
public static class UserMapper
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

    public static OrderStats ToProto(UserOrderStats stats)
    {
        ArgumentNullException.ThrowIfNull(stats);
        var proto = new OrderStats
        {
            OrdersPlaced = stats.OrdersPlaced,
            OrdersCancelled = stats.OrdersCancelled,
            OrdersRejected = stats.OrdersRejected,
            ThroughSequence = stats.ThroughSequence,
        };
        proto.LifetimeSpend.AddRange(stats.LifetimeSpend.Select(spend => new Money { CurrencyCode = spend.CurrencyCode, AmountMinor = spend.AmountMinor }));
        return proto;
    }

    public static UserState ToProto(UserStatus status) => status switch
    {
        UserStatus.Active => UserState.Active,
        UserStatus.Deactivated => UserState.Deactivated,
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "unknown user status"),
    };
}
