using Grpc.Core;
using Mesh.Common.V1;
using Mesh.Inventory.V1;
using Mesh.Launcher;
using Mesh.Orders.V1;
using Mesh.Users.V1;

namespace Mesh.CrossService.Tests;

/// <summary>
/// The order event log between the real processes: read by request-response and as a stream,
/// and followed by users' order statistics, also across a crash of users mid-stream.
/// </summary>
[Collection(MeshCollection.Name)]
public sealed class FeedTests(MeshFixture fixture)
{
    [Fact]
    public async Task OrderEvents_PlaceCancelReject_SeenByListWatchAndUserStats()
    {
        using var users = fixture.Channel(MeshService.Users);
        using var inventory = fixture.Channel(MeshService.Inventory);
        using var ordersChannel = fixture.Channel(MeshService.Orders);
        var orders = new OrderService.OrderServiceClient(ordersChannel);
        var user = await TestData.CreateUserAsync(new UserService.UserServiceClient(users));
        var inventoryClient = new InventoryService.InventoryServiceClient(inventory);
        var usd = await TestData.CreateItemAsync(inventoryClient, priceMinor: 250, quantity: 10);
        var eur = (await inventoryClient.CreateItemAsync(new CreateItemRequest
        {
            Sku = "EUR-" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant(),
            Name = "Euro item",
            UnitPrice = new Money { CurrencyCode = "EUR", AmountMinor = 999 },
            InitialQuantity = 5,
        }, deadline: Deadlines.Call())).Item;
        var start = (await orders.ListOrderEventsAsync(new ListOrderEventsRequest { PageSize = 1 }, deadline: Deadlines.Call())).HeadSequence;

        var first = await PlaceAsync(orders, user.UserId, usd.Sku, 2);
        await PlaceAsync(orders, user.UserId, eur.Sku, 1);
        var rejected = await Assert.ThrowsAsync<RpcException>(() => PlaceAsync(orders, user.UserId, usd.Sku, 100));
        await orders.CancelOrderAsync(new CancelOrderRequest { OrderId = first.OrderId, Reason = "changed my mind" }, deadline: Deadlines.Call());
        Assert.Equal(StatusCode.FailedPrecondition, rejected.StatusCode);

        var listed = (await OrderLog.ReadAfterAsync(orders, start)).Where(e => e.Order.UserId == user.UserId).ToList();
        Assert.Equal(
            [OrderEventType.OrderPlaced, OrderEventType.OrderConfirmed, OrderEventType.OrderPlaced, OrderEventType.OrderConfirmed,
             OrderEventType.OrderRejected, OrderEventType.OrderCancelled],
            listed.Select(e => e.Type));
        Assert.False(string.IsNullOrEmpty(listed[4].Order.Reason));

        var watched = await WatchAsync(orders, start, user.UserId, listed.Count);
        Assert.Equal(listed.Select(e => e.Sequence), watched.Select(e => e.Sequence));

        var stats = await WaitForStatsAsync(new UserService.UserServiceClient(users), user.UserId, listed[^1].Sequence);
        Assert.Equal(2, stats.OrdersPlaced);
        Assert.Equal(1, stats.OrdersCancelled);
        Assert.Equal(1, stats.OrdersRejected);
        Assert.Equal(
            [("EUR", 999L), ("USD", 0L)],
            stats.LifetimeSpend.Select(m => (m.CurrencyCode, m.AmountMinor)));
    }

    [Fact]
    public async Task OrderStats_UsersKilledMidStream_MatchTheEventLogExactly()
    {
        using var timeout = Deadlines.After(240);
        var mesh = fixture.Mesh;
        using var usersChannel = fixture.Channel(MeshService.Users);
        using var inventory = fixture.Channel(MeshService.Inventory);
        using var ordersChannel = fixture.Channel(MeshService.Orders);
        var orders = new OrderService.OrderServiceClient(ordersChannel);
        var user = await TestData.CreateUserAsync(new UserService.UserServiceClient(usersChannel));
        var item = await TestData.CreateItemAsync(new InventoryService.InventoryServiceClient(inventory), priceMinor: 125, quantity: 1000);
        var start = (await orders.ListOrderEventsAsync(new ListOrderEventsRequest { PageSize = 1 }, deadline: Deadlines.Call())).HeadSequence;

        // Orders keep flowing while users is killed and restarted.
        var placing = Task.Run(async () =>
        {
            for (var i = 0; i < 30; i++)
            {
                var order = await PlaceRetryingAsync(orders, user.UserId, item.Sku, 1 + (i % 3));
                if (i % 4 == 0)
                {
                    await orders.CancelOrderAsync(new CancelOrderRequest { OrderId = order.OrderId }, deadline: Deadlines.Call());
                }
            }
        }, timeout.Token);
        await Task.Delay(300, timeout.Token);
        await mesh.StopServiceAsync(MeshService.Users, StopSignal.Kill, timeout.Token);
        await Task.Delay(500, timeout.Token);
        await mesh.StartServiceAsync(MeshService.Users, extraEnvironment: null, timeout.Token);
        await placing;

        // The truth: the order event log itself.
        var events = (await OrderLog.ReadAfterAsync(orders, start)).Where(e => e.Order.UserId == user.UserId).ToList();
        var confirmed = events.Where(e => e.Type == OrderEventType.OrderConfirmed).ToList();
        var cancelled = events.Where(e => e.Type == OrderEventType.OrderCancelled).ToList();
        var expectedSpend = confirmed.Sum(e => e.Order.Total.AmountMinor) - cancelled.Sum(e => e.Order.Total.AmountMinor);

        using var restartedUsers = fixture.Channel(MeshService.Users);
        var stats = await WaitForStatsAsync(new UserService.UserServiceClient(restartedUsers), user.UserId, events[^1].Sequence);
        Assert.Equal(30, confirmed.Count);
        Assert.Equal(confirmed.Count, stats.OrdersPlaced);
        Assert.Equal(cancelled.Count, stats.OrdersCancelled);
        Assert.Equal(expectedSpend, Assert.Single(stats.LifetimeSpend).AmountMinor);
    }

    private static async Task<Order> PlaceAsync(OrderService.OrderServiceClient orders, string userId, string sku, long quantity) =>
        (await orders.PlaceOrderAsync(
            TestData.PlaceRequest(userId, sku, quantity), deadline: Deadlines.Call())).Order;

    // What a real client does while users is down: retry UNAVAILABLE with the same request_id.
    private static async Task<Order> PlaceRetryingAsync(OrderService.OrderServiceClient orders, string userId, string sku, long quantity)
    {
        var request = TestData.PlaceRequest(userId, sku, quantity);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return (await orders.PlaceOrderAsync(request, deadline: Deadlines.Call())).Order;
            }
            catch (RpcException exception) when (exception.StatusCode == StatusCode.Unavailable && attempt < 60)
            {
                await Task.Delay(250);
            }
        }
    }

    private static async Task<List<OrderEvent>> WatchAsync(OrderService.OrderServiceClient orders, long after, string userId, int count)
    {
        using var timeout = Deadlines.After(30);
        using var call = orders.WatchOrderEvents(new WatchOrderEventsRequest { AfterSequence = after, UserId = userId }, cancellationToken: timeout.Token);
        var events = new List<OrderEvent>();
        while (events.Count < count && await call.ResponseStream.MoveNext(timeout.Token))
        {
            if (call.ResponseStream.Current.KindCase == WatchOrderEventsResponse.KindOneofCase.Event)
            {
                events.Add(call.ResponseStream.Current.Event);
            }
        }

        return events;
    }

    // The stats are eventually consistent: wait until they include the given sequence.
    private static async Task<OrderStats> WaitForStatsAsync(UserService.UserServiceClient users, string userId, long throughSequence)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                var stats = (await users.GetUserAsync(new GetUserRequest { UserId = userId }, deadline: Deadlines.Call())).OrderStats;
                if (stats is not null && stats.ThroughSequence >= throughSequence)
                {
                    return stats;
                }
            }
            catch (RpcException exception) when (exception.StatusCode == StatusCode.Unavailable)
            {
                // users is restarting.
            }

            Assert.True(DateTime.UtcNow < deadline, $"users' order stats did not reach sequence {throughSequence}");
            await Task.Delay(100);
        }
    }
}
