using Grpc.Core;
using Mesh.Inventory.V1;
using Mesh.Orders.Domain;
using Mesh.Orders.Storage;
using Mesh.Orders.Tests.Support;
using Mesh.Orders.V1;
using Mesh.Testing;
using Mesh.Testing.Postgres;
using Microsoft.Extensions.DependencyInjection;

namespace Mesh.Orders.Tests.Feeds;

/// <summary>
/// The order event log as the saga and CancelOrder write it: one event per real state change,
/// carrying the order as it is after the change, and nothing for a call that changes nothing.
/// </summary>
public abstract class OrderEventLogTests
{
    private readonly OrdersMesh _mesh;

    protected OrderEventLogTests(IOrdersMeshFixture fixture)
    {
        ArgumentNullException.ThrowIfNull(fixture);
        _mesh = fixture.Mesh;
        _mesh.ClearFaults();
    }

    [ContractFact]
    public async Task PlaceOrder_Confirmed_AppendsPlacedThenConfirmedCarryingTheOrder()
    {
        var user = await _mesh.CreateUserAsync();
        var sku = await _mesh.CreateItemAsync(quantity: 10, priceMinor: 300);
        var head = await _mesh.OrderEventHeadAsync();

        var order = (await _mesh.Orders.PlaceOrderAsync(Requests.Place(user, (sku, 2)))).Order;

        var events = await _mesh.OrderEventsAfterAsync(head);
        Assert.Equal([OrderEventType.OrderPlaced, OrderEventType.OrderConfirmed], events.Select(e => e.Type));
        Assert.Equal([head + 1, head + 2], events.Select(e => e.Sequence));
        var placed = events[0].Order;
        Assert.Equal(order.OrderId, placed.OrderId);
        Assert.Equal(OrderState.Pending, placed.State);
        Assert.Equal(order.Lines, placed.Lines);
        Assert.Equal(600, placed.Total.AmountMinor);
        Assert.Equal(order, events[1].Order);
        Assert.Equal(order.UpdateTime, events[1].OccurTime);
    }

    [ContractFact]
    public async Task PlaceOrder_RetriedAfterSuccessAndAfterRejection_AppendsNothing()
    {
        var user = await _mesh.CreateUserAsync();
        var sku = await _mesh.CreateItemAsync(quantity: 10);
        var placed = Requests.Place(user, (sku, 1));
        var rejected = Requests.Place(Guid.NewGuid().ToString(), (sku, 1));
        await _mesh.Orders.PlaceOrderAsync(placed);
        await RpcAssert.FailsAsync(StatusCode.NotFound, () => _mesh.Orders.PlaceOrderAsync(rejected).ResponseAsync);
        var head = await _mesh.OrderEventHeadAsync();

        await _mesh.Orders.PlaceOrderAsync(placed);
        await RpcAssert.FailsAsync(StatusCode.NotFound, () => _mesh.Orders.PlaceOrderAsync(rejected).ResponseAsync);
        var reused = new PlaceOrderRequest(placed) { UserId = await _mesh.CreateUserAsync() };
        await RpcAssert.FailsAsync(StatusCode.AlreadyExists, () => _mesh.Orders.PlaceOrderAsync(reused).ResponseAsync);
        await RpcAssert.InvalidFieldAsync("lines", () => _mesh.Orders.PlaceOrderAsync(Requests.Place(user)).ResponseAsync);

        Assert.Equal(head, await _mesh.OrderEventHeadAsync());
    }

    [ContractFact]
    public async Task PlaceOrder_UnknownUser_AppendsOnlyRejectedWithReason()
    {
        var user = Guid.NewGuid().ToString();
        var sku = await _mesh.CreateItemAsync(quantity: 10);
        var head = await _mesh.OrderEventHeadAsync();

        await RpcAssert.FailsAsync(StatusCode.NotFound, () => _mesh.Orders.PlaceOrderAsync(Requests.Place(user, (sku, 1))).ResponseAsync);

        var rejected = Assert.Single(await _mesh.OrderEventsAfterAsync(head));
        Assert.Equal(OrderEventType.OrderRejected, rejected.Type);
        Assert.Equal(OrderState.Rejected, rejected.Order.State);
        Assert.Equal(user, rejected.Order.UserId);
        Assert.Contains(user, rejected.Order.Reason, StringComparison.Ordinal);
        Assert.Null(rejected.Order.Total);
    }

    [ContractFact]
    public async Task PlaceOrder_InsufficientStock_AppendsOnlyRejected()
    {
        var user = await _mesh.CreateUserAsync();
        var sku = await _mesh.CreateItemAsync(quantity: 1);
        // Screened by orders' catalog cache, the order is refused before it is priced. A sku not
        // cached yet would be priced through inventory first, and ORDER_PLACED would precede the
        // rejection by the sale.
        await _mesh.CachedItemAsync(sku);
        var head = await _mesh.OrderEventHeadAsync();

        await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, () => _mesh.Orders.PlaceOrderAsync(Requests.Place(user, (sku, 5))).ResponseAsync);

        var rejected = Assert.Single(await _mesh.OrderEventsAfterAsync(head));
        Assert.Equal(OrderEventType.OrderRejected, rejected.Type);
        Assert.Contains("not enough stock", rejected.Order.Reason, StringComparison.Ordinal);
    }

    [ContractFact]
    public async Task PlaceOrder_RetryFindsItsHoldGoneAndIsCompensated_AppendsPlacedThenRejected()
    {
        var user = await _mesh.CreateUserAsync();
        var sku = await _mesh.CreateItemAsync(quantity: 10);
        var request = Requests.Place(user, (sku, 4));
        var head = await _mesh.OrderEventHeadAsync();
        _mesh.InventoryFaults.FailBefore("ReserveStock", StatusCode.Unavailable);
        await RpcAssert.FailsAsync(StatusCode.Unavailable, () => _mesh.Orders.PlaceOrderAsync(request).ResponseAsync);
        _mesh.ClearFaults();
        await _mesh.HoldAndReleaseForOrderAsync(Assert.Single(await _mesh.OrdersOfAsync(user)).OrderId, sku, 4);

        await RpcAssert.FailsAsync(StatusCode.Aborted, () => _mesh.Orders.PlaceOrderAsync(request).ResponseAsync);

        var events = await _mesh.OrderEventsAfterAsync(head);
        Assert.Equal([OrderEventType.OrderPlaced, OrderEventType.OrderRejected], events.Select(e => e.Type));
        Assert.Equal(events[0].Order.OrderId, events[1].Order.OrderId);
        Assert.Contains("released", events[1].Order.Reason, StringComparison.Ordinal);
        Assert.Equal(events[0].Order.Total, events[1].Order.Total);
    }

    [ContractFact]
    public async Task PlaceOrder_SaleOutcomeUnknownThenRetried_PlacedOnceThenConfirmed()
    {
        var user = await _mesh.CreateUserAsync();
        var sku = await _mesh.CreateItemAsync(quantity: 10);
        var request = Requests.Place(user, (sku, 3));
        var head = await _mesh.OrderEventHeadAsync();
        _mesh.InventoryFaults.FailAfter("ReserveStock", StatusCode.Unavailable);

        await RpcAssert.FailsAsync(StatusCode.Unavailable, () => _mesh.Orders.PlaceOrderAsync(request).ResponseAsync);
        var whilePending = await _mesh.OrderEventsAfterAsync(head);
        _mesh.ClearFaults();
        var order = (await _mesh.Orders.PlaceOrderAsync(request)).Order;

        // The retry prices the order again, but it was placed only once.
        Assert.Equal([OrderEventType.OrderPlaced], whilePending.Select(e => e.Type));
        var events = await _mesh.OrderEventsAfterAsync(head);
        Assert.Equal([OrderEventType.OrderPlaced, OrderEventType.OrderConfirmed], events.Select(e => e.Type));
        Assert.Equal(order, events[1].Order);
    }

    [ContractFact]
    public async Task CancelOrder_ConfirmedThenCancelledAgain_AppendsOneCancelled()
    {
        var user = await _mesh.CreateUserAsync();
        var sku = await _mesh.CreateItemAsync(quantity: 10);
        var placed = (await _mesh.Orders.PlaceOrderAsync(Requests.Place(user, (sku, 2)))).Order;
        var head = await _mesh.OrderEventHeadAsync();

        var cancelled = (await _mesh.Orders.CancelOrderAsync(new CancelOrderRequest { OrderId = placed.OrderId, Reason = "changed my mind" })).Order;
        await _mesh.Orders.CancelOrderAsync(new CancelOrderRequest { OrderId = placed.OrderId });

        var cancel = Assert.Single(await _mesh.OrderEventsAfterAsync(head));
        Assert.Equal(OrderEventType.OrderCancelled, cancel.Type);
        Assert.Equal(cancelled, cancel.Order);
        Assert.Equal("changed my mind", cancel.Order.Reason);
    }

    [ContractFact]
    public async Task OrderStore_MoveThatLostTheRace_AppendsNothing()
    {
        var user = await _mesh.CreateUserAsync();
        var sku = await _mesh.CreateItemAsync(quantity: 10);
        var order = (await _mesh.Orders.PlaceOrderAsync(Requests.Place(user, (sku, 1)))).Order;
        var store = _mesh.OrdersHost.Services.GetRequiredService<OrderStore>();
        var head = await _mesh.OrderEventHeadAsync();

        // What a late saga step or the sweeper does when someone else already settled the order.
        var confirmedAgain = await store.ConfirmAsync(order.OrderId, DateTimeOffset.UtcNow);
        var rejectedLate = await store.RejectAsync(order.OrderId, "late", new Google.Rpc.Status { Code = 10 }, DateTimeOffset.UtcNow);

        Assert.Equal(head, await _mesh.OrderEventHeadAsync());
        Assert.Equal(OrderStatus.Confirmed, confirmedAgain.Status);
        Assert.Equal(OrderStatus.Confirmed, rejectedLate.Status);
    }
}

public sealed class SqliteOrderEventLogTests(MeshFixture fixture) : OrderEventLogTests(fixture), IClassFixture<MeshFixture>;

public sealed class PostgresOrderEventLogTests(PostgresMeshFixture fixture) : OrderEventLogTests(fixture), IClassFixture<PostgresMeshFixture>, IRequiresPostgres;
