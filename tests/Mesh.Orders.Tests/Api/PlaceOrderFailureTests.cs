using Grpc.Core;
using Mesh.Inventory.V1;
using Mesh.Orders.Domain;
using Mesh.Orders.Tests.Support;
using Mesh.Orders.V1;
using Mesh.Testing;
using Mesh.Testing.Postgres;
using Microsoft.Extensions.DependencyInjection;

namespace Mesh.Orders.Tests.Api;

/// <summary>
/// PlaceOrder when users or inventory fail: UNAVAILABLE and a resumable PENDING order when the
/// sale's outcome is unknown (a retry finds out and never sells twice), compensation (REJECTED,
/// ABORTED) when a retry finds its earlier hold gone, and the sweeper for orders nobody comes
/// back for.
/// </summary>
public abstract class PlaceOrderFailureTests
{
    private readonly OrdersMesh _mesh;

    protected PlaceOrderFailureTests(IOrdersMeshFixture fixture)
    {
        ArgumentNullException.ThrowIfNull(fixture);
        _mesh = fixture.Mesh;
        _mesh.ClearFaults();
    }

    [ContractFact]
    public async Task PlaceOrder_RetryFindsItsEarlierHoldReleased_AbortedNothingSoldAndOrderRejected()
    {
        var user = await _mesh.CreateUserAsync();
        var sku = await _mesh.CreateItemAsync(quantity: 10);
        var request = Requests.Place(user, (sku, 4));
        _mesh.InventoryFaults.FailBefore("ReserveStock", StatusCode.Unavailable);
        await RpcAssert.FailsAsync(StatusCode.Unavailable, () => _mesh.Orders.PlaceOrderAsync(request).ResponseAsync);
        _mesh.ClearFaults();
        await _mesh.HoldAndReleaseForOrderAsync(Assert.Single(await _mesh.OrdersOfAsync(user)).OrderId, sku, 4);

        var exception = await RpcAssert.FailsAsync(StatusCode.Aborted, () => _mesh.Orders.PlaceOrderAsync(request).ResponseAsync);
        var retried = await RpcAssert.FailsAsync(StatusCode.Aborted, () => _mesh.Orders.PlaceOrderAsync(request).ResponseAsync);

        Assert.Equal("DEPENDENCY_UNAVAILABLE", RpcAssert.Reason(exception));
        Assert.Contains("retry with a new request_id", exception.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(exception.Status.Detail, retried.Status.Detail);
        Assert.Equal((10, 0), await _mesh.StockAsync(sku));
        var order = Assert.Single(await _mesh.OrdersOfAsync(user));
        Assert.Equal(OrderState.Rejected, order.State);
        Assert.Contains("its reservation is Released", order.Reason, StringComparison.Ordinal);
        Assert.Equal(1000, order.Total.AmountMinor);
    }

    [ContractFact]
    public async Task PlaceOrder_InventoryUnavailable_UnavailableOrderPendingNothingSoldThenRetryConfirms()
    {
        var user = await _mesh.CreateUserAsync();
        var sku = await _mesh.CreateItemAsync(quantity: 10);
        var request = Requests.Place(user, (sku, 4));
        _mesh.InventoryFaults.FailBefore("ReserveStock", StatusCode.Unavailable);

        var exception = await RpcAssert.FailsAsync(StatusCode.Unavailable, () => _mesh.Orders.PlaceOrderAsync(request).ResponseAsync);

        Assert.Equal("DEPENDENCY_UNAVAILABLE", RpcAssert.Reason(exception));
        Assert.Equal((10, 0), await _mesh.StockAsync(sku));
        var pending = Assert.Single(await _mesh.OrdersOfAsync(user));
        Assert.Equal(OrderState.Pending, pending.State);

        _mesh.ClearFaults();
        var placed = (await _mesh.Orders.PlaceOrderAsync(request)).Order;

        Assert.Equal((pending.OrderId, OrderState.Confirmed), (placed.OrderId, placed.State));
        Assert.Equal((6, 0), await _mesh.StockAsync(sku));
    }

    [ContractFact]
    public async Task PlaceOrder_SaleAppliedButAnswerLost_UnavailableThenRetryConfirmsWithoutSellingTwice()
    {
        var user = await _mesh.CreateUserAsync();
        var sku = await _mesh.CreateItemAsync(quantity: 10);
        var request = Requests.Place(user, (sku, 3));
        _mesh.InventoryFaults.FailAfter("ReserveStock", StatusCode.Unavailable);

        await RpcAssert.FailsAsync(StatusCode.Unavailable, () => _mesh.Orders.PlaceOrderAsync(request).ResponseAsync);
        var stockWhileUnknown = await _mesh.StockAsync(sku);
        var pending = Assert.Single(await _mesh.OrdersOfAsync(user));
        _mesh.ClearFaults();
        var reserves = _mesh.InventoryFaults.Calls("ReserveStock");
        var placed = (await _mesh.Orders.PlaceOrderAsync(request)).Order;

        // Sold once, by the first attempt, and confirmed by the retry (at the same price: it did not change in between).
        Assert.Equal((7, 0), stockWhileUnknown);
        Assert.Equal(OrderState.Pending, pending.State);
        Assert.Equal(pending.Total, placed.Total);
        Assert.Equal(OrderState.Confirmed, placed.State);
        Assert.Equal(reserves + 1, _mesh.InventoryFaults.Calls("ReserveStock"));
        Assert.Equal((7, 0), await _mesh.StockAsync(sku));
    }

    [ContractFact]
    public async Task PlaceOrder_UsersUnavailable_UnavailableOrderPendingThenRetryConfirmsSameOrder()
    {
        var user = await _mesh.CreateUserAsync();
        var sku = await _mesh.CreateItemAsync(quantity: 10);
        var request = Requests.Place(user, (sku, 2));
        _mesh.UserFaults.FailBefore("GetUser", StatusCode.Unavailable);

        var exception = await RpcAssert.FailsAsync(StatusCode.Unavailable, () => _mesh.Orders.PlaceOrderAsync(request).ResponseAsync);
        var pending = Assert.Single(await _mesh.OrdersOfAsync(user));
        var stockWhileDown = await _mesh.StockAsync(sku);
        _mesh.ClearFaults();
        var placed = (await _mesh.Orders.PlaceOrderAsync(request)).Order;

        Assert.Equal("DEPENDENCY_UNAVAILABLE", RpcAssert.Reason(exception));
        Assert.Equal(OrderState.Pending, pending.State);
        Assert.Equal((10, 0), stockWhileDown);
        Assert.Equal(pending.OrderId, placed.OrderId);
        Assert.Equal(OrderState.Confirmed, placed.State);
        Assert.Equal((8, 0), await _mesh.StockAsync(sku));
    }

    [ContractFact]
    public async Task PlaceOrder_CatalogUnavailable_UnavailableAndNothingHeld()
    {
        var user = await _mesh.CreateUserAsync();
        var sku = await _mesh.CreateItemAsync(quantity: 10);
        // Inventory down altogether: its feed too, so the catalog cache cannot answer either.
        await _mesh.CutInventoryFeedAsync();
        _mesh.InventoryFaults.FailBefore("BatchGetItems", StatusCode.Unavailable);
        var reserves = _mesh.InventoryFaults.Calls("ReserveStock");

        await RpcAssert.FailsAsync(StatusCode.Unavailable, () => _mesh.Orders.PlaceOrderAsync(Requests.Place(user, (sku, 2))).ResponseAsync);

        Assert.Equal(reserves, _mesh.InventoryFaults.Calls("ReserveStock"));
        Assert.Equal((10, 0), await _mesh.StockAsync(sku));
        Assert.Equal(OrderState.Pending, Assert.Single(await _mesh.OrdersOfAsync(user)).State);
    }

    [ContractFact]
    public async Task PlaceOrder_DownstreamRejectsOurRequest_InternalNotInvalidArgument()
    {
        var user = await _mesh.CreateUserAsync();
        var sku = await _mesh.CreateItemAsync(quantity: 10);
        _mesh.InventoryFaults.FailBefore("ReserveStock", StatusCode.InvalidArgument);

        // Inventory refusing what orders sent is a bug in orders, never the caller's mistake.
        await RpcAssert.FailsAsync(StatusCode.Internal, () => _mesh.Orders.PlaceOrderAsync(Requests.Place(user, (sku, 1))).ResponseAsync);

        Assert.Equal((10, 0), await _mesh.StockAsync(sku));
    }

    [ContractFact]
    public async Task PlaceOrder_DeadlineShorterThanSlowSale_DeadlineExceededOrderPendingThenRetryConfirms()
    {
        var user = await _mesh.CreateUserAsync();
        var sku = await _mesh.CreateItemAsync(quantity: 10);
        var request = Requests.Place(user, (sku, 5));
        _mesh.InventoryFaults.Delay("ReserveStock", TimeSpan.FromSeconds(20));
        // Long enough for a cold process to reach the sale, far shorter than the sale's delay.
        var deadline = DateTime.UtcNow.AddSeconds(3);

        var exception = await Assert.ThrowsAsync<RpcException>(() => _mesh.Orders.PlaceOrderAsync(request, deadline: deadline).ResponseAsync);

        // Over TestServer (not over sockets) the client's own deadline reset sometimes surfaces
        // as the test host's HttpResetTestException. Either way the call ended at the deadline.
        Assert.True(
            exception.StatusCode == StatusCode.DeadlineExceeded
                || (exception.StatusCode == StatusCode.Internal && exception.Status.Detail.Contains("HttpResetTestException", StringComparison.Ordinal)),
            $"expected DeadlineExceeded but got {exception.StatusCode}: {exception.Status.Detail}");
        Assert.True(DateTime.UtcNow >= deadline.AddMilliseconds(-50), "the call ended well before its deadline");

        // The sale arrived with the caller's deadline, not the 5 s client default, and was
        // cancelled with it: nothing sold, the order left for a retry.
        var saleDeadline = _mesh.InventoryFaults.LastDeadline("ReserveStock");
        Assert.True(saleDeadline < deadline.AddSeconds(1), $"ReserveStock arrived with deadline {saleDeadline:O}; the caller's was {deadline:O}");
        Assert.Equal((10, 0), await _mesh.StockAsync(sku));
        Assert.Equal(OrderState.Pending, Assert.Single(await _mesh.OrdersOfAsync(user)).State);

        _mesh.ClearFaults();
        var placed = (await _mesh.Orders.PlaceOrderAsync(request)).Order;

        Assert.Equal(OrderState.Confirmed, placed.State);
        Assert.Equal((5, 0), await _mesh.StockAsync(sku));
    }

    [ContractFact]
    public async Task Sweeper_OrderAbandonedBeforeItsSale_RejectsOrderAndSellsNothing()
    {
        var user = await _mesh.CreateUserAsync();
        var sku = await _mesh.CreateItemAsync(quantity: 10);
        var request = Requests.Place(user, (sku, 3));
        _mesh.InventoryFaults.FailBefore("ReserveStock", StatusCode.Unavailable);
        await RpcAssert.FailsAsync(StatusCode.Unavailable, () => _mesh.Orders.PlaceOrderAsync(request).ResponseAsync);
        _mesh.ClearFaults();

        var settledTooEarly = await SweepAsync();
        _mesh.OrdersClock.Offset = TimeSpan.FromMinutes(3);
        var settled = await SweepAsync();
        var retried = await RpcAssert.FailsAsync(StatusCode.Aborted, () => _mesh.Orders.PlaceOrderAsync(request).ResponseAsync);

        Assert.Equal(0, settledTooEarly);
        Assert.True(settled >= 1, $"expected the abandoned order to be settled, settled {settled}");
        Assert.Equal((10, 0), await _mesh.StockAsync(sku));
        var order = Assert.Single(await _mesh.OrdersOfAsync(user));
        Assert.Equal(OrderState.Rejected, order.State);
        Assert.StartsWith("abandoned", order.Reason, StringComparison.Ordinal);
        Assert.Contains("abandoned", retried.Status.Detail, StringComparison.Ordinal);
    }

    [ContractFact]
    public async Task Sweeper_OrderAbandonedAfterItsSaleAnswerWasLost_ConfirmsItSoldOnce()
    {
        var user = await _mesh.CreateUserAsync();
        var sku = await _mesh.CreateItemAsync(quantity: 10);
        var request = Requests.Place(user, (sku, 3));
        _mesh.InventoryFaults.FailAfter("ReserveStock", StatusCode.Unavailable);
        await RpcAssert.FailsAsync(StatusCode.Unavailable, () => _mesh.Orders.PlaceOrderAsync(request).ResponseAsync);
        _mesh.ClearFaults();

        _mesh.OrdersClock.Offset = TimeSpan.FromMinutes(3);
        var settled = await SweepAsync();
        var retried = (await _mesh.Orders.PlaceOrderAsync(request)).Order;

        Assert.True(settled >= 1, $"expected the abandoned order to be settled, settled {settled}");
        Assert.Equal((7, 0), await _mesh.StockAsync(sku));
        var order = Assert.Single(await _mesh.OrdersOfAsync(user));
        Assert.Equal((OrderState.Confirmed, 750L), (order.State, order.Total.AmountMinor));
        Assert.Equal(order, retried);
    }

    [ContractFact]
    public async Task CancelOrder_PendingOrder_FailedPreconditionInvalidState()
    {
        var user = await _mesh.CreateUserAsync();
        var sku = await _mesh.CreateItemAsync(quantity: 10);
        _mesh.UserFaults.FailBefore("GetUser", StatusCode.Unavailable);
        await RpcAssert.FailsAsync(StatusCode.Unavailable, () => _mesh.Orders.PlaceOrderAsync(Requests.Place(user, (sku, 1))).ResponseAsync);
        var pending = Assert.Single(await _mesh.OrdersOfAsync(user));

        var exception = await RpcAssert.FailsAsync(StatusCode.FailedPrecondition,
            () => _mesh.Orders.CancelOrderAsync(new CancelOrderRequest { OrderId = pending.OrderId }).ResponseAsync);

        Assert.Equal("INVALID_STATE", RpcAssert.Reason(exception));
        Assert.Equal(pending, Assert.Single(await _mesh.OrdersOfAsync(user)));
    }

    [ContractFact]
    public async Task CancelOrder_InventoryUnavailable_UnavailableThenRetryRestocksOnce()
    {
        var user = await _mesh.CreateUserAsync();
        var sku = await _mesh.CreateItemAsync(quantity: 10);
        var placed = (await _mesh.Orders.PlaceOrderAsync(Requests.Place(user, (sku, 4)))).Order;
        var cancel = new CancelOrderRequest { OrderId = placed.OrderId, Reason = "changed my mind" };

        // The adjustment is applied but its answer lost: the retry must not add the stock again.
        _mesh.InventoryFaults.FailAfter("AdjustStock", StatusCode.Unavailable);
        var exception = await RpcAssert.FailsAsync(StatusCode.Unavailable, () => _mesh.Orders.CancelOrderAsync(cancel).ResponseAsync);
        var stillConfirmed = (await _mesh.Orders.GetOrderAsync(new GetOrderRequest { OrderId = placed.OrderId })).Order;
        _mesh.ClearFaults();
        var cancelled = (await _mesh.Orders.CancelOrderAsync(cancel)).Order;

        Assert.Equal("DEPENDENCY_UNAVAILABLE", RpcAssert.Reason(exception));
        Assert.Equal(placed, stillConfirmed);
        Assert.Equal(OrderState.Cancelled, cancelled.State);
        Assert.Equal((10, 0), await _mesh.StockAsync(sku));
    }

    private async Task<int> SweepAsync()
    {
        await using var scope = _mesh.OrdersHost.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AbandonedOrderSweeper>().SweepOnceAsync(CancellationToken.None);
    }
}

public sealed class SqlitePlaceOrderFailureTests(MeshFixture fixture) : PlaceOrderFailureTests(fixture), IClassFixture<MeshFixture>;

public sealed class PostgresPlaceOrderFailureTests(PostgresMeshFixture fixture) : PlaceOrderFailureTests(fixture), IClassFixture<PostgresMeshFixture>, IRequiresPostgres;
