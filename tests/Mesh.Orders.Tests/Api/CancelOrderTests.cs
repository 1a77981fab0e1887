using Grpc.Core;
using Mesh.Orders.Tests.Support;
using Mesh.Orders.V1;
using Mesh.Testing;
using Mesh.Testing.Postgres;

namespace Mesh.Orders.Tests.Api;

/// <summary>CancelOrder: gives stock back once, is idempotent, and refuses orders that hold no stock.</summary>
public abstract class CancelOrderTests
{
    private readonly OrdersMesh _mesh;

    protected CancelOrderTests(IOrdersMeshFixture fixture)
    {
        ArgumentNullException.ThrowIfNull(fixture);
        _mesh = fixture.Mesh;
        _mesh.ClearFaults();
    }

    [ContractFact]
    public async Task CancelOrder_ConfirmedOrder_CancelsAndRestocksEveryLine()
    {
        var user = await _mesh.CreateUserAsync();
        var pen = await _mesh.CreateItemAsync(quantity: 10);
        var pad = await _mesh.CreateItemAsync(quantity: 10);
        var placed = (await _mesh.Orders.PlaceOrderAsync(Requests.Place(user, (pen, 3), (pad, 7)))).Order;

        var cancelled = (await _mesh.Orders.CancelOrderAsync(new CancelOrderRequest { OrderId = placed.OrderId, Reason = "  wrong size  " })).Order;

        Assert.Equal(OrderState.Cancelled, cancelled.State);
        Assert.Equal("wrong size", cancelled.Reason);
        Assert.Equal(placed.Lines, cancelled.Lines);
        Assert.Equal(placed.Total, cancelled.Total);
        Assert.Equal((10, 0), await _mesh.StockAsync(pen));
        Assert.Equal((10, 0), await _mesh.StockAsync(pad));
        Assert.Equal(cancelled, (await _mesh.Orders.GetOrderAsync(new GetOrderRequest { OrderId = placed.OrderId })).Order);
    }

    [ContractFact]
    public async Task CancelOrder_CancelledTwice_ReturnsSameOrderAndRestocksOnce()
    {
        var user = await _mesh.CreateUserAsync();
        var sku = await _mesh.CreateItemAsync(quantity: 10);
        var placed = (await _mesh.Orders.PlaceOrderAsync(Requests.Place(user, (sku, 4)))).Order;

        var first = (await _mesh.Orders.CancelOrderAsync(new CancelOrderRequest { OrderId = placed.OrderId })).Order;
        var second = (await _mesh.Orders.CancelOrderAsync(new CancelOrderRequest { OrderId = placed.OrderId, Reason = "again" })).Order;

        Assert.Equal(first, second);
        Assert.Equal(OrderState.Cancelled, first.State);
        Assert.NotEmpty(first.Reason);
        Assert.Equal((10, 0), await _mesh.StockAsync(sku));
    }

    [ContractFact]
    public async Task CancelOrder_ConcurrentCancels_RestockOnce()
    {
        var user = await _mesh.CreateUserAsync();
        var sku = await _mesh.CreateItemAsync(quantity: 10);
        var placed = (await _mesh.Orders.PlaceOrderAsync(Requests.Place(user, (sku, 6)))).Order;
        var orders = _mesh.Orders;

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
            (await orders.CancelOrderAsync(new CancelOrderRequest { OrderId = placed.OrderId })).Order)));

        Assert.All(results, order => Assert.Equal(OrderState.Cancelled, order.State));
        Assert.Equal((10, 0), await _mesh.StockAsync(sku));
    }

    [ContractFact]
    public async Task CancelOrder_RejectedOrder_FailedPreconditionInvalidStateAndNothingChanges()
    {
        var user = await _mesh.CreateUserAsync();
        var sku = await _mesh.CreateItemAsync(quantity: 1);
        await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, () => _mesh.Orders.PlaceOrderAsync(Requests.Place(user, (sku, 2))).ResponseAsync);
        var rejected = Assert.Single(await _mesh.OrdersOfAsync(user));
        var before = _mesh.OrdersSnapshot();

        var exception = await RpcAssert.FailsAsync(StatusCode.FailedPrecondition,
            () => _mesh.Orders.CancelOrderAsync(new CancelOrderRequest { OrderId = rejected.OrderId }).ResponseAsync);

        Assert.Equal("INVALID_STATE", RpcAssert.Reason(exception));
        Assert.Equal(before, _mesh.OrdersSnapshot());
        Assert.Equal((1, 0), await _mesh.StockAsync(sku));
    }

    [ContractFact]
    public async Task CancelOrder_UnknownOrder_NotFoundNamingOrderId()
    {
        var before = _mesh.OrdersSnapshot();

        var exception = await RpcAssert.FailsAsync(StatusCode.NotFound,
            () => _mesh.Orders.CancelOrderAsync(new CancelOrderRequest { OrderId = Guid.NewGuid().ToString() }).ResponseAsync);

        Assert.Equal("NOT_FOUND", RpcAssert.Reason(exception));
        Assert.Equal(before, _mesh.OrdersSnapshot());
    }

    [ContractTheory]
    [InlineData("order_id", "")]
    [InlineData("order_id", "12345")]
    [InlineData("reason", "201 characters")]
    [InlineData("reason", "a line\nbreak")]
    [InlineData("reason", "right-to-left \u202e override")]
    [InlineData("reason", "zero\u200bwidth")]
    [InlineData("reason", "private \uE000 use")]
    public async Task CancelOrder_MalformedRequest_InvalidArgumentNamingFieldAndOrderUnchanged(string field, string value)
    {
        var user = await _mesh.CreateUserAsync();
        var sku = await _mesh.CreateItemAsync(quantity: 5);
        var placed = (await _mesh.Orders.PlaceOrderAsync(Requests.Place(user, (sku, 2)))).Order;
        var request = new CancelOrderRequest { OrderId = placed.OrderId };
        if (field == "order_id")
        {
            request.OrderId = value;
        }
        else
        {
            request.Reason = value == "201 characters" ? new string('r', 201) : value;
        }

        var before = _mesh.OrdersSnapshot();

        await RpcAssert.InvalidFieldAsync(field, () => _mesh.Orders.CancelOrderAsync(request).ResponseAsync);

        Assert.Equal(before, _mesh.OrdersSnapshot());
        Assert.Equal((3, 0), await _mesh.StockAsync(sku));
    }

    [ContractFact]
    public async Task CancelOrder_ReasonOf200Emoji_AcceptedAndStoredWhole()
    {
        var user = await _mesh.CreateUserAsync();
        var sku = await _mesh.CreateItemAsync(quantity: 5);
        var placed = (await _mesh.Orders.PlaceOrderAsync(Requests.Place(user, (sku, 2)))).Order;
        var reason = string.Concat(Enumerable.Repeat("\U0001F4E6", 200));

        var cancelled = (await _mesh.Orders.CancelOrderAsync(new CancelOrderRequest { OrderId = placed.OrderId, Reason = reason })).Order;

        Assert.Equal(reason, cancelled.Reason);
    }
}

public sealed class SqliteCancelOrderTests(MeshFixture fixture) : CancelOrderTests(fixture), IClassFixture<MeshFixture>;

public sealed class PostgresCancelOrderTests(PostgresMeshFixture fixture) : CancelOrderTests(fixture), IClassFixture<PostgresMeshFixture>, IRequiresPostgres;
