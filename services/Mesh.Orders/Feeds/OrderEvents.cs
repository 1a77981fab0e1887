using Google.Protobuf.WellKnownTypes;
using Mesh.Orders.Api;
using Mesh.Orders.Domain;
using Mesh.Orders.V1;
using Mesh.ServiceDefaults.Telemetry;
using Mesh.Storage;

namespace Mesh.Orders.Feeds;

/// <summary>
/// The order event log: one <see cref="OrderEvent"/> per state change of an order, carrying the
/// whole order after the change, filed under the order's user id (lower-case, as stored) so a
/// watcher can follow one user's orders.
/// </summary>
public static class OrderEvents
{
    /// <summary>The event log's name; its table is <c>orders_events</c>.</summary>
    public const string LogName = "orders";

    /// <summary>The event to append for <paramref name="order"/> as it is right after the change (no sequence yet: the log assigns it), with the calling trace.</summary>
    public static OrderEvent Announce(OrderEventType type, OrderRecord order, DateTimeOffset occurTime)
    {
        ArgumentNullException.ThrowIfNull(order);
        return new OrderEvent
        {
            Type = type,
            Order = OrderMapper.ToProto(order),
            OccurTime = Timestamp.FromDateTimeOffset(occurTime),
            TraceParent = EventTrace.Current(),
        };
    }

    /// <summary>The event type that announces a move into <paramref name="status"/>.</summary>
    public static OrderEventType TypeOf(OrderStatus status) => status switch
    {
        OrderStatus.Confirmed => OrderEventType.OrderConfirmed,
        OrderStatus.Cancelled => OrderEventType.OrderCancelled,
        OrderStatus.Rejected => OrderEventType.OrderRejected,
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "no event announces a move into this state"),
    };

    /// <summary>A stored row as the event clients receive, its sequence taken from the row.</summary>
    public static OrderEvent FromStored(StoredEvent stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        var orderEvent = OrderEvent.Parser.ParseFrom(stored.Payload);
        orderEvent.Sequence = stored.Sequence;
        return orderEvent;
    }
}
