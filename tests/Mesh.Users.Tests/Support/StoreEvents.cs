using Mesh.Storage;
using Mesh.Users.Feeds;
using Mesh.Users.V1;

namespace Mesh.Users.Tests.Support;

/// <summary>Reads the users feed straight from a store's event log.</summary>
public static class StoreEvents
{
    public static async Task<long> HeadAsync(IEventLog log)
    {
        ArgumentNullException.ThrowIfNull(log);
        return (await log.PositionAsync(CancellationToken.None)).Head;
    }

    /// <summary>Every committed event after <paramref name="after"/>, oldest first.</summary>
    public static async Task<List<UserEvent>> AfterAsync(IEventLog log, long after)
    {
        ArgumentNullException.ThrowIfNull(log);
        var head = await HeadAsync(log);
        var stored = await log.ReadAsync(after, head, 10_000, [], CancellationToken.None);
        return [.. stored.Select(e => UserFeed.ToResponse(e).Event)];
    }
}
