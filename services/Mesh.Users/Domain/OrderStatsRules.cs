using Mesh.Common.V1;
using Mesh.Orders.V1;

namespace Mesh.Users.Domain;

/// <summary>
/// How an order event counts towards its user's statistics. An order is "placed" once its stock
/// is committed (ORDER_CONFIRMED), which also adds its total to the spend; ORDER_CANCELLED (only
/// ever for a confirmed order) counts a cancellation and takes the total back off; ORDER_REJECTED
/// counts a rejection. ORDER_PLACED counts nothing: CONFIRMED or REJECTED always follows it, and
/// counting both would count the order twice.
/// </summary>
public static class OrderStatsRules
{
    public static OrderStatsChange ChangeOf(OrderEvent orderEvent)
    {
        ArgumentNullException.ThrowIfNull(orderEvent);

        // User ids are issued lower-case by this service; lower-casing again makes any casing
        // an upstream might echo land on the row GetUser reads.
        var userId = (orderEvent.Order?.UserId ?? string.Empty).ToLowerInvariant();
        var total = orderEvent.Order?.Total;
        if (userId.Length == 0)
        {
            // Nothing to attribute the event to; it is passed over (the cursor still moves).
            return new OrderStatsChange(orderEvent.Sequence, userId, 0, 0, 0, null);
        }

        return orderEvent.Type switch
        {
            OrderEventType.OrderConfirmed => new OrderStatsChange(orderEvent.Sequence, userId, 1, 0, 0, Spend(total, sign: 1)),
            OrderEventType.OrderCancelled => new OrderStatsChange(orderEvent.Sequence, userId, 0, 1, 0, Spend(total, sign: -1)),
            OrderEventType.OrderRejected => new OrderStatsChange(orderEvent.Sequence, userId, 0, 0, 1, null),
            // ORDER_PLACED, and types a newer orders service may add: nothing to count.
            _ => new OrderStatsChange(orderEvent.Sequence, userId, 0, 0, 0, null),
        };
    }

    private static CurrencyAmount? Spend(Money? total, int sign) =>
        total is null || total.CurrencyCode.Length == 0
            ? null
            : new CurrencyAmount(total.CurrencyCode, sign * total.AmountMinor);
}
