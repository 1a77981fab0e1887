using Google.Protobuf.WellKnownTypes;
using Mesh.Common.V1;
using Mesh.Inventory.Api;
using Mesh.Inventory.Domain;
using Mesh.Inventory.V1;
using Mesh.ServiceDefaults.Telemetry;
using Mesh.Storage;

namespace Mesh.Inventory.Feeds;

/// <summary>Maps item changes to stored InventoryEvents, and stored events and heartbeats to WatchInventory messages.</summary>
internal static class InventoryFeedMapper
{
    /// <summary>The event as stored: everything but the sequence, which is the row's; the calling trace with it.</summary>
    public static InventoryEvent ToEvent(ItemChange change, DateTimeOffset occurTime) => new()
    {
        Type = ToProto(change.Kind),
        Item = InventoryMapper.ToProto(change.Item),
        ReservationId = change.ReservationId,
        Quantity = change.Quantity,
        OccurTime = Timestamp.FromDateTimeOffset(occurTime),
        TraceParent = EventTrace.Current(),
    };

    public static WatchInventoryResponse ToResponse(StoredEvent stored)
    {
        var inventoryEvent = InventoryEvent.Parser.ParseFrom(stored.Payload);
        inventoryEvent.Sequence = stored.Sequence;
        return new WatchInventoryResponse { Event = inventoryEvent };
    }

    public static WatchInventoryResponse ToResponse(FeedHeartbeat heartbeat) => new() { Heartbeat = heartbeat };

    public static InventoryEventType ToProto(ItemChangeKind kind) => kind switch
    {
        ItemChangeKind.Created => InventoryEventType.ItemCreated,
        ItemChangeKind.Updated => InventoryEventType.ItemUpdated,
        ItemChangeKind.StockAdjusted => InventoryEventType.StockAdjusted,
        ItemChangeKind.StockReserved => InventoryEventType.StockReserved,
        ItemChangeKind.ReservationCommitted => InventoryEventType.ReservationCommitted,
        ItemChangeKind.ReservationReleased => InventoryEventType.ReservationReleased,
        ItemChangeKind.ReservationExpired => InventoryEventType.ReservationExpired,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown item change"),
    };
}
