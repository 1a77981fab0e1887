using Google.Rpc;
using Grpc.Core;
using Mesh.Common.V1;
using Mesh.Orders.Tests.Support;
using Mesh.Orders.V1;
using Mesh.Testing;
using Mesh.Testing.Postgres;

namespace Mesh.Orders.Tests.Api;

/// <summary>PlaceOrder through the real users and inventory services: success, retries and every rejection.</summary>
public abstract class PlaceOrderTests
{
    private readonly OrdersMesh _mesh;

    protected PlaceOrderTests(IOrdersMeshFixture fixture)
    {
        ArgumentNullException.ThrowIfNull(fixture);
        _mesh = fixture.Mesh;
        _mesh.ClearFaults();
    }

    [ContractFact]
    public async Task PlaceOrder_ActiveUserAndStock_ConfirmsPricedOrderAndCommitsStock()
    {
        var user = await _mesh.CreateUserAsync();
        var pen = await _mesh.CreateItemAsync(quantity: 10, priceMinor: 250, name: "Pen");
        var pad = await _mesh.CreateItemAsync(quantity: 4, priceMinor: 1999, name: "Pad");
        var request = Requests.Place(user, (pen, 3), (pad, 2));

        var order = (await _mesh.Orders.PlaceOrderAsync(request)).Order;

        Assert.Equal(OrderState.Confirmed, order.State);
        Assert.Equal(user, order.UserId);
        Assert.Equal(request.RequestId, order.RequestId);
        Assert.True(Guid.TryParseExact(order.OrderId, "D", out _) && order.OrderId == order.OrderId.ToLowerInvariant());
        Assert.Equal(new Money { CurrencyCode = "USD", AmountMinor = 750 + 3998 }, order.Total);
        Assert.Equal([pen, pad], order.Lines.Select(line => line.Sku));
        Assert.Equal(["Pen", "Pad"], order.Lines.Select(line => line.Name));
        Assert.Equal([3L, 2L], order.Lines.Select(line => line.Quantity));
        Assert.Equal([250L, 1999L], order.Lines.Select(line => line.UnitPrice.AmountMinor));
        Assert.Equal([750L, 3998L], order.Lines.Select(line => line.LineTotal.AmountMinor));
        Assert.Equal(string.Empty, order.Reason);
        Assert.Equal((7, 0), await _mesh.StockAsync(pen));
        Assert.Equal((2, 0), await _mesh.StockAsync(pad));
        Assert.Equal(order, (await _mesh.Orders.GetOrderAsync(new GetOrderRequest { OrderId = order.OrderId })).Order);
    }

    [ContractFact]
    public async Task PlaceOrder_SameRequestRetried_ReturnsSameOrderAndReservesOnce()
    {
        var user = await _mesh.CreateUserAsync();
        var sku = await _mesh.CreateItemAsync(quantity: 10);
        var request = Requests.Place(user, (sku, 4));

        var first = (await _mesh.Orders.PlaceOrderAsync(request)).Order;
        var reservesAfterFirst = _mesh.InventoryFaults.Calls("ReserveStock");
        var retry = (await _mesh.Orders.PlaceOrderAsync(request)).Order;
        var upperCaseRetry = (await _mesh.Orders.PlaceOrderAsync(new PlaceOrderRequest(request)
        {
            RequestId = request.RequestId.ToUpperInvariant(),
            UserId = user.ToUpperInvariant(),
        })).Order;

        Assert.Equal(first, retry);
        Assert.Equal(first, upperCaseRetry);
        Assert.Equal(reservesAfterFirst, _mesh.InventoryFaults.Calls("ReserveStock"));
        Assert.Equal((6, 0), await _mesh.StockAsync(sku));
        Assert.Single(await _mesh.OrdersOfAsync(user));
    }

    [ContractFact]
    public async Task PlaceOrder_RequestIdReusedWithDifferentLines_AlreadyExistsAndNothingChanges()
    {
        var user = await _mesh.CreateUserAsync();
        var sku = await _mesh.CreateItemAsync(quantity: 10);
        var request = Requests.Place(user, (sku, 1));
        await _mesh.Orders.PlaceOrderAsync(request);
        var before = _mesh.OrdersSnapshot();

        var changedQuantity = new PlaceOrderRequest(request);
        changedQuantity.Lines[0].Quantity = 2;
        var exception = await RpcAssert.FailsAsync(StatusCode.AlreadyExists, () => _mesh.Orders.PlaceOrderAsync(changedQuantity).ResponseAsync);
        var otherUser = new PlaceOrderRequest(request) { UserId = await _mesh.CreateUserAsync() };
        await RpcAssert.FailsAsync(StatusCode.AlreadyExists, () => _mesh.Orders.PlaceOrderAsync(otherUser).ResponseAsync);

        Assert.Equal("REQUEST_ID_REUSED", RpcAssert.Reason(exception));
        Assert.Equal(before, _mesh.OrdersSnapshot());
        Assert.Equal((9, 0), await _mesh.StockAsync(sku));
    }

    [ContractFact]
    public async Task PlaceOrder_UnknownUser_NotFoundNamingUserIdAndRetryGetsSameAnswer()
    {
        var unknownUser = Guid.NewGuid().ToString();
        var sku = await _mesh.CreateItemAsync(quantity: 5);
        var request = Requests.Place(unknownUser, (sku, 1));

        var exception = await RpcAssert.FailsAsync(StatusCode.NotFound, () => _mesh.Orders.PlaceOrderAsync(request).ResponseAsync);
        var userCalls = _mesh.UserFaults.Calls("GetUser");
        var retried = await RpcAssert.FailsAsync(StatusCode.NotFound, () => _mesh.Orders.PlaceOrderAsync(request).ResponseAsync);

        Assert.Equal("NOT_FOUND", RpcAssert.Reason(exception));
        Assert.Contains(exception.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations, violation => violation.Field == "user_id");
        Assert.Equal(exception.Status.Detail, retried.Status.Detail);
        Assert.Equal(userCalls, _mesh.UserFaults.Calls("GetUser"));
        Assert.Equal((5, 0), await _mesh.StockAsync(sku));
        var stored = Assert.Single(await _mesh.OrdersOfAsync(unknownUser));
        Assert.Equal(OrderState.Rejected, stored.State);
        Assert.Contains(unknownUser, stored.Reason, StringComparison.Ordinal);
    }

    [ContractFact]
    public async Task PlaceOrder_DeactivatedUser_FailedPreconditionUserInactive()
    {
        var user = await _mesh.CreateUserAsync();
        await _mesh.DeactivateUserAsync(user);
        var sku = await _mesh.CreateItemAsync(quantity: 5);

        var exception = await RpcAssert.FailsAsync(StatusCode.FailedPrecondition,
            () => _mesh.Orders.PlaceOrderAsync(Requests.Place(user, (sku, 1))).ResponseAsync);

        Assert.Equal("USER_INACTIVE", RpcAssert.Reason(exception));
        Assert.Equal((5, 0), await _mesh.StockAsync(sku));
        Assert.Equal(OrderState.Rejected, Assert.Single(await _mesh.OrdersOfAsync(user)).State);
    }

    [ContractFact]
    public async Task PlaceOrder_UnknownSku_NotFoundNamingTheLineAndStockUntouched()
    {
        var user = await _mesh.CreateUserAsync();
        var sku = await _mesh.CreateItemAsync(quantity: 5);

        var exception = await RpcAssert.FailsAsync(StatusCode.NotFound,
            () => _mesh.Orders.PlaceOrderAsync(Requests.Place(user, (sku, 1), ("no-such-sku-" + Guid.NewGuid().ToString("N")[..8], 1))).ResponseAsync);

        var violation = Assert.Single(exception.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations);
        Assert.Equal("lines[1].sku", violation.Field);
        Assert.Equal((5, 0), await _mesh.StockAsync(sku));
        var stored = Assert.Single(await _mesh.OrdersOfAsync(user));
        Assert.Equal(OrderState.Rejected, stored.State);
        Assert.Null(stored.Total);
    }

    [ContractFact]
    public async Task PlaceOrder_InsufficientStock_FailedPreconditionWithShortagesAndRetryGetsSameAnswer()
    {
        var user = await _mesh.CreateUserAsync();
        var plenty = await _mesh.CreateItemAsync(quantity: 50);
        var scarce = await _mesh.CreateItemAsync(quantity: 2);
        var request = Requests.Place(user, (plenty, 10), (scarce, 3));

        var exception = await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, () => _mesh.Orders.PlaceOrderAsync(request).ResponseAsync);
        await _mesh.Inventory.AdjustStockAsync(new Mesh.Inventory.V1.AdjustStockRequest
        {
            RequestId = Guid.NewGuid().ToString(), Sku = scarce, Delta = 10, Reason = "restock",
        });
        var retried = await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, () => _mesh.Orders.PlaceOrderAsync(request).ResponseAsync);

        Assert.Equal("INSUFFICIENT_STOCK", RpcAssert.Reason(exception));
        var shortages = exception.GetRpcStatus()!.GetDetail<PreconditionFailure>();
        Assert.NotNull(shortages);
        Assert.EndsWith(scarce, Assert.Single(shortages.Violations).Subject, StringComparison.Ordinal);
        Assert.Equal("INSUFFICIENT_STOCK", RpcAssert.Reason(retried));
        Assert.Equal((50, 0), await _mesh.StockAsync(plenty));
        Assert.Equal((12, 0), await _mesh.StockAsync(scarce));
    }

    [ContractFact]
    public async Task PlaceOrder_ItemsInDifferentCurrencies_FailedPreconditionCurrencyMismatch()
    {
        var user = await _mesh.CreateUserAsync();
        var dollars = await _mesh.CreateItemAsync(quantity: 5, currency: "USD");
        var euros = await _mesh.CreateItemAsync(quantity: 5, currency: "EUR");

        var exception = await RpcAssert.FailsAsync(StatusCode.FailedPrecondition,
            () => _mesh.Orders.PlaceOrderAsync(Requests.Place(user, (dollars, 1), (euros, 1))).ResponseAsync);

        Assert.Equal("CURRENCY_MISMATCH", RpcAssert.Reason(exception));
        var violation = Assert.Single(exception.GetRpcStatus()!.GetDetail<PreconditionFailure>()!.Violations);
        Assert.Equal("lines[1].sku", violation.Subject);
        Assert.Equal((5, 0), await _mesh.StockAsync(dollars));
        Assert.Equal((5, 0), await _mesh.StockAsync(euros));
    }
}

public sealed class SqlitePlaceOrderTests(MeshFixture fixture) : PlaceOrderTests(fixture), IClassFixture<MeshFixture>;

public sealed class PostgresPlaceOrderTests(PostgresMeshFixture fixture) : PlaceOrderTests(fixture), IClassFixture<PostgresMeshFixture>, IRequiresPostgres;
