using Google.Protobuf.WellKnownTypes;
using Mesh.Common.V1;
using Mesh.ServiceDefaults.Feeds;
using Mesh.Users.Api;
using Mesh.Users.Domain;
using Mesh.Users.V1;
using Microsoft.Data.Sqlite;

namespace Mesh.Users.Feeds;

/// <summary>
/// The users event log behind WatchUsers. Each profile change appends one <see cref="UserEvent"/>
/// carrying the user as stored after the change, inside the write transaction that makes the
/// change, keyed by user id (the filter key).
/// </summary>
public sealed class UserFeed(SqliteEventLog log)
{
    /// <summary>The log's name; its table is <c>users_events</c>.</summary>
    public const string LogName = "users";

    public SqliteEventLog Log { get; } = log;

    /// <summary>Appends the event announcing <paramref name="type"/> for <paramref name="user"/> (its state after the change).</summary>
    public Task<long> AppendAsync(
        SqliteConnection connection, SqliteTransaction transaction, UserEventType type, UserRecord user, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(user);
        // The sequence is the row's own; it is set when the event is read back (ToResponse).
        var change = new UserEvent { Type = type, User = UserMapping.ToProto(user), OccurTime = Timestamp.FromDateTimeOffset(now) };
        return Log.AppendAsync(connection, transaction, user.UserId, change, now);
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
