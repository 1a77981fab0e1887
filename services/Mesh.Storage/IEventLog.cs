using Google.Protobuf;

namespace Mesh.Storage;

/// <summary>
/// What a feed needs from an event log, whatever stores it (SQLite for one process, PostgreSQL
/// for replicas sharing state). The contract every implementation keeps — and that the storage
/// contract tests check — is that a follower never skips an event: once
/// <see cref="PositionAsync"/> reports head H, every event with a sequence ≤ H is committed and
/// readable, and no event with a sequence ≤ H can appear later. Sequence order is commit order.
/// </summary>
public interface IEventLog
{
    /// <summary>The feed's name, e.g. "inventory"; its table is <c>{name}_events</c>.</summary>
    string Name { get; }

    /// <summary>
    /// Appends <paramref name="payload"/> in <paramref name="session"/>'s write transaction, so it
    /// commits or rolls back with the change it announces. Call it through
    /// <see cref="StoreSession.AppendAsync"/>.
    /// </summary>
    Task AppendAsync(StoreSession session, string filterKey, IMessage payload, DateTimeOffset occurTime);

    /// <summary>The newest committed sequence and how far retention has deleted.</summary>
    Task<EventLogPosition> PositionAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Up to <paramref name="limit"/> events with after &lt; sequence ≤ through, oldest first,
    /// only those whose filter key is in <paramref name="filterKeys"/> when it is not empty.
    /// </summary>
    Task<IReadOnlyList<StoredEvent>> ReadAsync(
        long after, long through, int limit, IReadOnlyCollection<string> filterKeys, CancellationToken cancellationToken);

    /// <summary>
    /// Completes when the log may have changed after this call (a commit, possibly in another
    /// process). Followers take this task <em>before</em> reading, so a change between their
    /// read and their wait still wakes them. It may complete spuriously; it never faults.
    /// </summary>
    Task NextChange();

    /// <summary>
    /// Deletes events that occurred before <paramref name="cutoff"/>, but none after sequence
    /// <paramref name="throughSequence"/> (what a reader that must see every event, such as the
    /// broker relay, has not read yet); returns how many.
    /// </summary>
    Task<int> PruneAsync(DateTimeOffset cutoff, long throughSequence, CancellationToken cancellationToken);
}
