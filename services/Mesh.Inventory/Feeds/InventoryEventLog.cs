using Mesh.Inventory.Domain;
using Mesh.ServiceDefaults.Feeds;
using Microsoft.Data.Sqlite;

namespace Mesh.Inventory.Feeds;

/// <summary>
/// The inventory feed's outbox: every item change is appended to the <c>inventory</c> event log
/// inside the write transaction that makes it, so the feed announces exactly what was
/// committed. Events are keyed by sku, the filter WatchInventory offers.
/// </summary>
public sealed class InventoryEventLog(SqliteEventLog log)
{
    /// <summary>The event log's name; its table is <c>inventory_events</c>.</summary>
    public const string Name = "inventory";

    /// <summary>The log WatchInventory streams from.</summary>
    public SqliteEventLog Log { get; } = log;

    /// <summary>Appends <paramref name="change"/> inside the caller's write transaction.</summary>
    public async Task AppendAsync(SqliteConnection connection, SqliteTransaction transaction, ItemChange change, DateTimeOffset occurTime)
    {
        ArgumentNullException.ThrowIfNull(change);
        await Log.AppendAsync(connection, transaction, change.Item.Sku, InventoryFeedMapper.ToEvent(change, occurTime), occurTime);
    }
}
