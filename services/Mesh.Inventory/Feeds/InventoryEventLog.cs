using Google.Protobuf;
using Mesh.Inventory.Domain;
using Mesh.Storage;

namespace Mesh.Inventory.Feeds;

/// <summary>
/// The inventory feed's outbox, whatever stores it: every item change is appended to the
/// <c>inventory</c> event log inside the write transaction that makes it, so the feed announces
/// exactly what was committed. Events are keyed by sku, the filter WatchInventory offers.
/// </summary>
public sealed class InventoryEventLog(IEventLog log)
{
    /// <summary>The event log's name; its table is <c>inventory_events</c>.</summary>
    public const string Name = "inventory";

    /// <summary>The log WatchInventory streams from.</summary>
    public IEventLog Log { get; } = log;

    /// <summary>The key WatchInventory filters <paramref name="change"/> by.</summary>
    public static string FilterKey(ItemChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        return change.Item.Sku;
    }

    /// <summary>The stored event announcing <paramref name="change"/>.</summary>
    public static IMessage Payload(ItemChange change, DateTimeOffset occurTime)
    {
        ArgumentNullException.ThrowIfNull(change);
        return InventoryFeedMapper.ToEvent(change, occurTime);
    }
}
