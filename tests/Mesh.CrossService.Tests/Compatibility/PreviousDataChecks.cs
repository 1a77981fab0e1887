using Grpc.Core;
using Mesh.Common.V1;
using Mesh.Inventory.V1;
using Mesh.Launcher;
using Mesh.Orders.V1;
using Mesh.Testing;
using Mesh.Users.V1;

namespace Mesh.CrossService.Tests.Compatibility;

/// <summary>
/// What must hold once today's mesh runs on data the old code wrote, checked through the public
/// API only: every entity reads back identically, the event logs and users' order statistics
/// still start where they did, idempotency records are honoured, and new writes continue the logs.
/// </summary>
internal static class PreviousDataChecks
{
    // Requests the fixtures were made with (Fixtures/BeforeStoreRewrite/README.md).
    private const string AdaCreateRequestId = "c0a7f1c5-0000-4000-8000-000000000001";
    private const string RestockRequestId = "c0a7f1c5-0000-4000-8000-000000000003";
    private const string DemoOrderRequestId = "c0a7f1c5-0000-4000-8000-000000000004";
    private const string LampSku = "COMPAT-LAMP";
    private const long NewOrderQuantity = 3;

    /// <summary>Everything the compatibility tests check, in order: old data, old logs, old request ids, new writes.</summary>
    public static async Task AssertAllAsync(CompatibilityMesh mesh, PreviousData data)
    {
        await AssertEntitiesReadBackAsync(mesh, data);
        await AssertEventLogsReplayAsync(mesh, data);
        await AssertOldRequestsAreRecognisedAsync(mesh, data);
        await AssertNewWritesContinueAsync(mesh, data);
    }

    /// <summary>Every user, item, order and statistic of <paramref name="data"/> reads back as the old code returned it.</summary>
    public static async Task AssertEntitiesReadBackAsync(CompatibilityMesh mesh, PreviousData data)
    {
        using var usersChannel = mesh.Channel(MeshService.Users);
        using var inventoryChannel = mesh.Channel(MeshService.Inventory);
        using var ordersChannel = mesh.Channel(MeshService.Orders);
        var users = new UserService.UserServiceClient(usersChannel);
        var inventory = new InventoryService.InventoryServiceClient(inventoryChannel);
        var orders = new OrderService.OrderServiceClient(ordersChannel);

        var listedUsers = await users.ListUsersAsync(new ListUsersRequest { Page = new PageRequest { PageSize = 100 } }, deadline: Deadlines.Call());
        Assert.Equal(data.Users, listedUsers.Users);
        var batch = await users.BatchGetUsersAsync(new BatchGetUsersRequest { UserIds = { data.Users.Select(user => user.UserId) } }, deadline: Deadlines.Call());
        Assert.Equal(data.Users, batch.Users);
        Assert.Empty(batch.MissingUserIds);

        foreach (var (userId, stats) in data.OrderStats)
        {
            var read = await users.GetUserAsync(new GetUserRequest { UserId = userId }, deadline: Deadlines.Call());
            Assert.Equal(stats, read.OrderStats);
            Assert.Equal(data.OrderStatsCursor, read.OrderStats.ThroughSequence);
        }

        var items = await inventory.ListItemsAsync(new ListItemsRequest { Page = new PageRequest { PageSize = 100 } }, deadline: Deadlines.Call());
        Assert.Equal(data.Items, items.Items);

        foreach (var order in data.Orders)
        {
            var read = await orders.GetOrderAsync(new GetOrderRequest { OrderId = order.OrderId }, deadline: Deadlines.Call());
            Assert.Equal(order, read.Order);
        }
    }

    /// <summary>The three event logs replay from 0 exactly up to the old heads, ending in the entities' current state.</summary>
    public static async Task AssertEventLogsReplayAsync(CompatibilityMesh mesh, PreviousData data)
    {
        using var usersChannel = mesh.Channel(MeshService.Users);
        using var inventoryChannel = mesh.Channel(MeshService.Inventory);
        using var ordersChannel = mesh.Channel(MeshService.Orders);

        var orderLog = await new OrderService.OrderServiceClient(ordersChannel).ListOrderEventsAsync(
            new ListOrderEventsRequest { AfterSequence = 0, PageSize = 1000 }, deadline: Deadlines.Call());
        Assert.Equal(data.OrdersHead, orderLog.HeadSequence);
        Assert.Equal(Sequences(1, data.OrdersHead), orderLog.Events.Select(e => e.Sequence));
        foreach (var order in data.Orders)
        {
            Assert.Equal(order, orderLog.Events.Last(e => e.Order.OrderId == order.OrderId).Order);
        }

        using (var userFeed = new UserFeedReader(new UserService.UserServiceClient(usersChannel), afterSequence: 0))
        {
            await userFeed.ReadUntilAsync(reader => reader.Events.Count >= data.UsersHead && reader.Heartbeats.Count > 0);
            Assert.Equal(Sequences(1, data.UsersHead), userFeed.Events.Select(e => e.Sequence));
            Assert.Equal(data.UsersHead, userFeed.Heartbeats[^1].HeadSequence);
            foreach (var user in data.Users)
            {
                Assert.Equal(user, userFeed.Events.Last(e => e.User.UserId == user.UserId).User);
            }
        }

        var (inventoryEvents, inventoryHead) = await ReadInventoryAsync(
            new InventoryService.InventoryServiceClient(inventoryChannel), afterSequence: 0, atLeast: data.InventoryHead);
        Assert.Equal(Sequences(1, data.InventoryHead), inventoryEvents.Select(e => e.Sequence));
        Assert.Equal(data.InventoryHead, inventoryHead);
        foreach (var item in data.Items)
        {
            Assert.Equal(item, inventoryEvents.Last(e => e.Item.Sku == item.Sku).Item);
        }
    }

    /// <summary>Retries of requests the old code applied are recognised (its idempotency records survived) and change nothing.</summary>
    public static async Task AssertOldRequestsAreRecognisedAsync(CompatibilityMesh mesh, PreviousData data)
    {
        using var usersChannel = mesh.Channel(MeshService.Users);
        using var inventoryChannel = mesh.Channel(MeshService.Inventory);
        using var ordersChannel = mesh.Channel(MeshService.Orders);

        var ada = data.ActiveUser;
        var retriedUser = await new UserService.UserServiceClient(usersChannel).CreateUserAsync(
            new CreateUserRequest { RequestId = AdaCreateRequestId, Email = ada.Email, DisplayName = "Ada Lovelace" },
            deadline: Deadlines.Call());
        Assert.Equal(ada.UserId, retriedUser.User.UserId);

        var lamp = data.Items.Single(item => item.Sku == LampSku);
        var retriedAdjustment = await new InventoryService.InventoryServiceClient(inventoryChannel).AdjustStockAsync(
            new AdjustStockRequest { RequestId = RestockRequestId, Sku = LampSku, Delta = 5, Reason = "restock" },
            deadline: Deadlines.Call());
        Assert.Equal(lamp.AvailableQuantity, retriedAdjustment.Item.AvailableQuantity);

        var demoOrder = data.Orders.Single(order => order.RequestId == DemoOrderRequestId);
        var retriedOrder = new PlaceOrderRequest { RequestId = DemoOrderRequestId, UserId = demoOrder.UserId };
        retriedOrder.Lines.AddRange(demoOrder.Lines.Select(line => new PlaceOrderLine { Sku = line.Sku, Quantity = line.Quantity }));
        var placed = await new OrderService.OrderServiceClient(ordersChannel).PlaceOrderAsync(retriedOrder, deadline: Deadlines.Call());
        Assert.Equal(demoOrder, placed.Order);
    }

    /// <summary>New writes work on the old data and continue each log right after its old head.</summary>
    public static async Task AssertNewWritesContinueAsync(CompatibilityMesh mesh, PreviousData data)
    {
        using var usersChannel = mesh.Channel(MeshService.Users);
        using var inventoryChannel = mesh.Channel(MeshService.Inventory);
        using var ordersChannel = mesh.Channel(MeshService.Orders);
        var users = new UserService.UserServiceClient(usersChannel);
        var inventory = new InventoryService.InventoryServiceClient(inventoryChannel);
        var orders = new OrderService.OrderServiceClient(ordersChannel);

        var created = await TestData.CreateUserAsync(users);
        using (var userFeed = new UserFeedReader(users, afterSequence: data.UsersHead))
        {
            await userFeed.ReadUntilAsync(reader => reader.Events.Count >= 1);
            Assert.Equal(data.UsersHead + 1, userFeed.Events[0].Sequence);
            Assert.Equal(created, userFeed.Events[0].User);
        }

        // An old user orders an old item: the saga reads users' and orders' old rows and inventory's old stock.
        var ada = data.ActiveUser;
        var item = data.StockedItem;
        var placed = (await orders.PlaceOrderAsync(TestData.PlaceRequest(ada.UserId, item.Sku, NewOrderQuantity), deadline: Deadlines.Call())).Order;
        Assert.Equal(OrderState.Confirmed, placed.State);
        Assert.Equal(item.UnitPrice, Assert.Single(placed.Lines).UnitPrice);
        Assert.Equal(item.UnitPrice.AmountMinor * NewOrderQuantity, placed.Total.AmountMinor);

        var stock = (await inventory.GetItemAsync(new GetItemRequest { Sku = item.Sku }, deadline: Deadlines.Call())).Item;
        Assert.Equal(item.AvailableQuantity - NewOrderQuantity, stock.AvailableQuantity);
        Assert.Equal(0, stock.ReservedQuantity);

        var newOrderEvents = await orders.ListOrderEventsAsync(
            new ListOrderEventsRequest { AfterSequence = data.OrdersHead, PageSize = 100 }, deadline: Deadlines.Call());
        Assert.Equal(Sequences(data.OrdersHead + 1, data.OrdersHead + 2), newOrderEvents.Events.Select(e => e.Sequence));
        Assert.Equal([OrderEventType.OrderPlaced, OrderEventType.OrderConfirmed], newOrderEvents.Events.Select(e => e.Type));
        Assert.All(newOrderEvents.Events, e => Assert.Equal(placed.OrderId, e.Order.OrderId));

        // Reserved, then committed: two events for the one line, right after the old head.
        var (newInventoryEvents, _) = await ReadInventoryAsync(inventory, afterSequence: data.InventoryHead, atLeast: 2);
        Assert.Equal(Sequences(data.InventoryHead + 1, data.InventoryHead + 2), newInventoryEvents.Select(e => e.Sequence));
        Assert.Equal(stock, newInventoryEvents[^1].Item);

        // Users' statistics resume from the old cursor and take in the new order.
        var before = data.OrderStats[ada.UserId];
        var stats = await Eventually.ReadUntilAsync(
            async () => (await users.GetUserAsync(new GetUserRequest { UserId = ada.UserId }, deadline: Deadlines.Call())).OrderStats,
            read => read.ThroughSequence >= data.OrdersHead + 2,
            TimeSpan.FromSeconds(20));
        Assert.Equal(data.OrdersHead + 2, stats.ThroughSequence);
        Assert.Equal(before.OrdersPlaced + 1, stats.OrdersPlaced);
        Assert.Equal(before.OrdersCancelled, stats.OrdersCancelled);
        Assert.Equal(before.OrdersRejected, stats.OrdersRejected);
        Assert.Equal(
            before.LifetimeSpend.Single(money => money.CurrencyCode == placed.Total.CurrencyCode).AmountMinor + placed.Total.AmountMinor,
            stats.LifetimeSpend.Single(money => money.CurrencyCode == placed.Total.CurrencyCode).AmountMinor);
    }

    private static IEnumerable<long> Sequences(long first, long last)
    {
        for (var sequence = first; sequence <= last; sequence++)
        {
            yield return sequence;
        }
    }

    /// <summary>Watches inventory after <paramref name="afterSequence"/> until at least <paramref name="atLeast"/> events and then a heartbeat arrived.</summary>
    private static async Task<(List<InventoryEvent> Events, long Head)> ReadInventoryAsync(
        InventoryService.InventoryServiceClient inventory, long afterSequence, long atLeast)
    {
        using var limit = Deadlines.After(20);
        using var call = inventory.WatchInventory(new WatchInventoryRequest { AfterSequence = afterSequence }, cancellationToken: limit.Token);
        var events = new List<InventoryEvent>();
        while (await call.ResponseStream.MoveNext(limit.Token))
        {
            var message = call.ResponseStream.Current;
            if (message.KindCase == WatchInventoryResponse.KindOneofCase.Event)
            {
                events.Add(message.Event);
            }
            else if (events.Count >= atLeast)
            {
                return (events, message.Heartbeat.HeadSequence);
            }
        }

        throw new InvalidOperationException($"WatchInventory ended after {events.Count} events, expected at least {atLeast} and a heartbeat.");
    }
}
