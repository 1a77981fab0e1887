using Google.Protobuf.WellKnownTypes;
using Mesh.Common.V1;
using Mesh.ServiceDefaults.Telemetry;
using Mesh.Storage;
using Mesh.Users.Api;
using Mesh.Users.Domain;
using Mesh.Users.V1;

namespace Mesh.Users.Feeds;

/// <summary>
/// The users event log behind WatchUsers, whatever stores it. Each profile change appends one
/// <see cref="UserEvent"/> carrying the user as stored after the change, keyed by user id (the
/// filter key); the store appends it through the log inside the write
/// transaction that makes the change.
/// </summary>
public sealed class UserFeed(IEventLog log)
{
    /// <summary>The log's name; its table is <c>users_events</c>.</summary>
    public const string LogName = "users";

    public IEventLog Log { get; } = log;

    /// <summary>The filter key of events about <paramref name="user"/>.</summary>
    public static string KeyOf(UserRecord user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return user.UserId;
    }

    /// <summary>The event announcing <paramref name="type"/> for <paramref name="user"/> (its state after the change), with the calling trace.</summary>
    public static UserEvent EventOf(UserEventType type, UserRecord user, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(user);
        // The sequence is the row's own; it is set when the event is read back (ToResponse).
        return new UserEvent
        {
            Type = type,
            User = UserMapper.ToProto(user),
            OccurTime = Timestamp.FromDateTimeOffset(now),
            TraceParent = EventTrace.Current(),
        };
    }

    public static WatchUsersResponse ToResponse(StoredEvent stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        var change = UserEvent.Parser.ParseFrom(stored.Payload);
        change.Sequence = stored.Sequence;
        return new WatchUsersResponse { Event = change };
    }

    public static WatchUsersResponse ToHeartbeat(FeedHeartbeat heartbeat) => new() { Heartbeat = heartbeat };
}
