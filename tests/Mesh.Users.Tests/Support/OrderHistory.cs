using Mesh.Common.V1;
using Mesh.Orders.V1;

namespace Mesh.Users.Tests.Support;

/// <summary>
/// Writes order lifecycles into a <see cref="FakeOrderLog"/> the way orders does (PLACED, then
/// CONFIRMED or REJECTED, a confirmed order maybe CANCELLED later) and computes, independently
/// of the service's code, what each user's statistics must be.
/// </summary>
public static class OrderHistory
{
    public static Order NewOrder(string userId, string currency, long totalMinor) => new()
    {
        OrderId = Guid.NewGuid().ToString(),
        UserId = userId,
        Total = new Money { CurrencyCode = currency, AmountMinor = totalMinor },
        RequestId = Guid.NewGuid().ToString(),
    };

    public static void Confirmed(FakeOrderLog log, string userId, string currency, long totalMinor)
    {
        var order = NewOrder(userId, currency, totalMinor);
        log.Append(OrderEventType.OrderPlaced, order.Clone());
        log.Append(OrderEventType.OrderConfirmed, With(order, OrderState.Confirmed));
    }

    public static void ConfirmedThenCancelled(FakeOrderLog log, string userId, string currency, long totalMinor)
    {
        var order = NewOrder(userId, currency, totalMinor);
        log.Append(OrderEventType.OrderPlaced, order.Clone());
        log.Append(OrderEventType.OrderConfirmed, With(order, OrderState.Confirmed));
        log.Append(OrderEventType.OrderCancelled, With(order, OrderState.Cancelled));
    }

    public static void Rejected(FakeOrderLog log, string userId, string currency, long totalMinor)
    {
        var order = NewOrder(userId, currency, totalMinor);
        log.Append(OrderEventType.OrderPlaced, order.Clone());
        log.Append(OrderEventType.OrderRejected, With(order, OrderState.Rejected, "insufficient stock"));
    }

    /// <summary>Appends <paramref name="orders"/> random order lifecycles for <paramref name="userIds"/>, reproducibly.</summary>
    public static void AppendRandom(FakeOrderLog log, IReadOnlyList<string> userIds, int orders, Random random)
    {
        for (var index = 0; index < orders; index++)
        {
            var user = userIds[random.Next(userIds.Count)];
            var currency = random.Next(2) == 0 ? "USD" : "EUR";
            var total = random.Next(1, 100_000);
            switch (random.Next(4))
            {
                case 0:
                    Rejected(log, user, currency, total);
                    break;
                case 1:
                    ConfirmedThenCancelled(log, user, currency, total);
                    break;
                default:
                    Confirmed(log, user, currency, total);
                    break;
            }
        }
    }

    /// <summary>What <paramref name="userId"/>'s statistics must be after <paramref name="events"/>, as text to compare.</summary>
    public static string Expected(IEnumerable<OrderEvent> events, string userId)
    {
        long placed = 0, cancelled = 0, rejected = 0;
        var spend = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var orderEvent in events.Where(e => e.Order.UserId == userId))
        {
            var total = orderEvent.Order.Total;
            switch (orderEvent.Type)
            {
                case OrderEventType.OrderConfirmed:
                    placed++;
                    spend[total.CurrencyCode] = spend.GetValueOrDefault(total.CurrencyCode) + total.AmountMinor;
                    break;
                case OrderEventType.OrderCancelled:
                    cancelled++;
                    spend[total.CurrencyCode] = spend.GetValueOrDefault(total.CurrencyCode) - total.AmountMinor;
                    break;
                case OrderEventType.OrderRejected:
                    rejected++;
                    break;
            }
        }

        return Describe(placed, cancelled, rejected, spend.Select(pair => (pair.Key, pair.Value)));
    }

    /// <summary>The same text for what the service returned.</summary>
    public static string Describe(Mesh.Users.V1.OrderStats stats) =>
        Describe(stats.OrdersPlaced, stats.OrdersCancelled, stats.OrdersRejected,
            stats.LifetimeSpend.Select(money => (money.CurrencyCode, money.AmountMinor)));

    private static string Describe(long placed, long cancelled, long rejected, IEnumerable<(string Currency, long Amount)> spend) =>
        $"placed={placed} cancelled={cancelled} rejected={rejected} spend=[{string.Join(", ", spend.Select(s => $"{s.Currency} {s.Amount}"))}]";

    private static Order With(Order order, OrderState state, string reason = "")
    {
        var changed = order.Clone();
        changed.State = state;
        changed.Reason = reason;
        return changed;
    }
}
