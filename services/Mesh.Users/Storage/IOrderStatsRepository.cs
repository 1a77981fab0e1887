using Mesh.Users.Domain;

namespace Mesh.Users.Storage;

/// <summary>
/// The per-user order statistics and the cursor of the consumer that keeps them. Every batch of
/// changes and the cursor move commit in one transaction, and changes at or below the stored
/// cursor are passed over: an event delivered again (after a reconnect, a crash, or to another
/// replica running the same consumer) is never counted twice, and one whose batch did not
/// commit is delivered again.
/// </summary>
public interface IOrderStatsRepository
{
    /// <summary>The consumer's name: its row in consumer_cursors and its lag metric's tag.</summary>
    const string CursorName = "orders-events";

    /// <summary>
    /// Applies the changes not applied yet, in order, and moves the cursor past them, all in one
    /// transaction. Returns the cursor afterwards.
    /// </summary>
    Task<long> ApplyAsync(IReadOnlyList<OrderStatsChange> changes, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Moves the cursor to <paramref name="sequence"/> without counting anything — for events
    /// the upstream deleted before they were read. Returns the cursor afterwards (it never moves back).
    /// </summary>
    Task<long> SkipToAsync(long sequence, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>The statistics of <paramref name="userId"/> (zeroes when none), read in one snapshot with the cursor.</summary>
    Task<UserOrderStats> GetAsync(string userId, CancellationToken cancellationToken);
}
