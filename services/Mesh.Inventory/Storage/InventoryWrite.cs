using Mesh.Inventory.Domain;
using Mesh.Inventory.Feeds;
using Mesh.Storage;

namespace Mesh.Inventory.Storage;

/// <summary>
/// One inventory write transaction: its session, its clock reading, and the inventory event log
/// each item change is appended to as it is made (so feed order is change order).
/// </summary>
internal sealed class InventoryWrite(StoreSession session, InventoryEventLog events, DateTimeOffset now)
{
    public StoreSession Session { get; } = session;

    /// <summary>The transaction's time, already at millisecond precision.</summary>
    public DateTimeOffset Now { get; } = now;

    public long NowMs => InventoryRows.ToMs(Now);

    /// <summary>
    /// Runs <paramref name="decide"/> in one write transaction of <paramref name="database"/>. A
    /// PostgreSQL retry after a lost race starts over here, with a fresh clock reading.
    /// </summary>
    public static Task<T> RunAsync<T>(
        StoreDatabase database, InventoryEventLog events, TimeProvider time, Func<InventoryWrite, Task<T>> decide, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(decide);
        // Time at the millisecond precision it is stored with, so in-memory and SQL comparisons agree.
        return database.WriteAsync(
            session => decide(new InventoryWrite(session, events, InventoryRows.FromMs(InventoryRows.ToMs(time.GetUtcNow())))),
            cancellationToken);
    }

    public Task AppendAsync(ItemChange change) =>
        Session.AppendAsync(events.Log, InventoryEventLog.FilterKey(change), InventoryEventLog.Payload(change, Now), Now);
}
