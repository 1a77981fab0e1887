using Google.Rpc;
using Grpc.Core;
using Mesh.Inventory.V1;
using Mesh.Launcher;
using Mesh.Orders.V1;
using Mesh.Users.V1;

namespace Mesh.CrossService.Tests;

/// <summary>The PlaceOrder saga's guarantees between the real processes.</summary>
[Collection(MeshCollection.Name)]
public sealed class SagaTests(MeshFixture fixture)
{
    [Fact]
    public async Task PlaceOrder_SameRequestIdRacingAndRetried_OneOrderStockTakenOnce()
    {
        var (user, item) = await CreateUserAndItemAsync(quantity: 10);
        var request = TestData.PlaceRequest(user.UserId, item.Sku, 3);
        using var channel = fixture.Channel(MeshService.Orders);
        var orders = new OrderService.OrderServiceClient(channel);

        var racing = await Task.WhenAll(Enumerable.Range(0, 12).Select(async _ =>
            (await orders.PlaceOrderAsync(request, deadline: Deadlines.Call())).Order));
        var retried = (await orders.PlaceOrderAsync(request, deadline: Deadlines.Call())).Order;

        Assert.Single(racing.Select(order => order.OrderId).Append(retried.OrderId).Distinct());
        Assert.All(racing, order => Assert.Equal(OrderState.Confirmed, order.State));
        Assert.Equal((7L, 0L), await StockAsync(item.Sku));
        var listed = await orders.ListOrdersAsync(new ListOrdersRequest { UserId = user.UserId }, deadline: Deadlines.Call());
        Assert.Single(listed.Orders);
    }

    [Fact]
    public async Task PlaceOrder_ConcurrentBuyersForLastUnits_SellsExactlyTheStock()
    {
        const int units = 5;
        const int buyers = 40;
        var (user, item) = await CreateUserAndItemAsync(quantity: units);
        using var channel = fixture.Channel(MeshService.Orders);
        var orders = new OrderService.OrderServiceClient(channel);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, buyers).Select(async _ =>
        {
            try
            {
                await orders.PlaceOrderAsync(TestData.PlaceRequest(user.UserId, item.Sku, 1), deadline: Deadlines.Call());
                return StatusCode.OK;
            }
            catch (RpcException exception)
            {
                return exception.StatusCode;
            }
        }));

        Assert.Equal(units, outcomes.Count(code => code == StatusCode.OK));
        Assert.Equal(buyers - units, outcomes.Count(code => code == StatusCode.FailedPrecondition));
        Assert.Equal((0L, 0L), await StockAsync(item.Sku));
    }

    [Fact]
    public async Task PlaceOrder_SaleAnswerLost_UnavailableThenRetryConfirmsSoldOnce()
    {
        using var timeout = Deadlines.After(120);
        var mesh = fixture.Mesh;
        var (user, item) = await CreateUserAndItemAsync(quantity: 10);
        var request = TestData.PlaceRequest(user.UserId, item.Sku, 4);
        await using var proxy = await FaultyInventoryProxy.StartAsync(mesh.AddressOf(MeshService.Inventory));
        await mesh.StopServiceAsync(MeshService.Orders, StopSignal.Terminate, timeout.Token);
        await mesh.StartServiceAsync(
            MeshService.Orders,
            new Dictionary<string, string?> { ["Mesh__Services__Inventory__Address"] = proxy.Address.GetLeftPart(UriPartial.Authority) },
            timeout.Token);
        RpcException exception;
        Order pending;
        try
        {
            using var channel = fixture.Channel(MeshService.Orders);
            var orders = new OrderService.OrderServiceClient(channel);
            exception = await Assert.ThrowsAsync<RpcException>(() => orders.PlaceOrderAsync(request, deadline: Deadlines.Call()).ResponseAsync);
            pending = Assert.Single((await orders.ListOrdersAsync(new ListOrdersRequest { UserId = user.UserId }, deadline: Deadlines.Call())).Orders);
        }
        finally
        {
            await mesh.StopServiceAsync(MeshService.Orders, StopSignal.Terminate, CancellationToken.None);
            await mesh.StartServiceAsync(MeshService.Orders, extraEnvironment: null, timeout.Token);
        }

        var stockWhileUnknown = await StockAsync(item.Sku);
        using var restored = fixture.Channel(MeshService.Orders);
        var placed = (await new OrderService.OrderServiceClient(restored).PlaceOrderAsync(request, deadline: Deadlines.Call())).Order;

        // Sold by the first attempt, confirmed by the retry (against the real inventory), never sold twice.
        Assert.Equal(StatusCode.Unavailable, exception.StatusCode);
        Assert.Equal("DEPENDENCY_UNAVAILABLE", exception.GetRpcStatus()?.GetDetail<ErrorInfo>()?.Reason);
        Assert.Equal(OrderState.Pending, pending.State);
        Assert.Equal((6L, 0L), stockWhileUnknown);
        Assert.Equal((pending.OrderId, OrderState.Confirmed), (placed.OrderId, placed.State));
        Assert.Equal((6L, 0L), await StockAsync(item.Sku));
    }

    private async Task<(User User, Item Item)> CreateUserAndItemAsync(long quantity)
    {
        using var users = fixture.Channel(MeshService.Users);
        using var inventory = fixture.Channel(MeshService.Inventory);
        var user = await TestData.CreateUserAsync(new UserService.UserServiceClient(users));
        var item = await TestData.CreateItemAsync(new InventoryService.InventoryServiceClient(inventory), priceMinor: 500, quantity);
        return (user, item);
    }

    private async Task<(long Available, long Reserved)> StockAsync(string sku)
    {
        using var channel = fixture.Channel(MeshService.Inventory);
        var item = (await new InventoryService.InventoryServiceClient(channel)
            .GetItemAsync(new GetItemRequest { Sku = sku }, deadline: Deadlines.Call())).Item;
        return (item.AvailableQuantity, item.ReservedQuantity);
    }
}
