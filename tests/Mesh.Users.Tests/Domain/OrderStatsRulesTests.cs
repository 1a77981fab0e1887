using Mesh.Common.V1;
using Mesh.Orders.V1;
using Mesh.Users.Domain;
using Xunit;

namespace Mesh.Users.Tests.Domain;

public sealed class OrderStatsRulesTests
{
    private const string UserId = "0b6f1c1e-8d3a-4c38-9b1f-2f6a3c1d9e42";

    [Fact]
    public void ChangeOf_Confirmed_CountsPlacedAndAddsTheTotal()
    {
        var change = OrderStatsRules.ChangeOf(Event(OrderEventType.OrderConfirmed, "USD", 1250));

        Assert.Equal(new OrderStatsChange(7, UserId, 1, 0, 0, new CurrencyAmount("USD", 1250)), change);
    }

    [Fact]
    public void ChangeOf_Cancelled_CountsCancelledAndTakesTheTotalBack()
    {
        var change = OrderStatsRules.ChangeOf(Event(OrderEventType.OrderCancelled, "EUR", 300));

        Assert.Equal(new OrderStatsChange(7, UserId, 0, 1, 0, new CurrencyAmount("EUR", -300)), change);
    }

    [Fact]
    public void ChangeOf_Rejected_CountsRejectedWithoutSpend()
    {
        var change = OrderStatsRules.ChangeOf(Event(OrderEventType.OrderRejected, "USD", 999));

        Assert.Equal(new OrderStatsChange(7, UserId, 0, 0, 1, null), change);
    }

    [Theory]
    [InlineData(OrderEventType.OrderPlaced)]
    [InlineData(OrderEventType.Unspecified)]
    [InlineData((OrderEventType)99)]
    public void ChangeOf_PlacedOrUnknownType_CountsNothing(OrderEventType type)
    {
        var change = OrderStatsRules.ChangeOf(Event(type, "USD", 1250));

        Assert.True(change.IsEmpty);
        Assert.Equal(7, change.Sequence);
    }

    [Fact]
    public void ChangeOf_UpperCaseUserId_AttributesToTheCanonicalId()
    {
        var orderEvent = Event(OrderEventType.OrderConfirmed, "USD", 1);
        orderEvent.Order.UserId = UserId.ToUpperInvariant();

        Assert.Equal(UserId, OrderStatsRules.ChangeOf(orderEvent).UserId);
    }

    private static OrderEvent Event(OrderEventType type, string currency, long total) => new()
    {
        Sequence = 7,
        Type = type,
        Order = new Order { UserId = UserId, Total = new Money { CurrencyCode = currency, AmountMinor = total } },
    };
}
