using System.Diagnostics;
using Grpc.Core;
using Mesh.Inventory.V1;
using Mesh.Launcher;
using Mesh.Orders.V1;
using Mesh.Testing;
using Mesh.Testing.Postgres;
using Mesh.Users.V1;

namespace Mesh.CrossService.Tests.Replicas;

/// <summary>
/// Every service as three replicas (real processes) on one PostgreSQL database each: what is
/// written through one replica is read and watched through the others, and the guarantees of
/// the single-replica mesh (no oversell, one order per request_id, events counted once, no order
/// lost or left half-done) hold across replicas.
/// </summary>
[Collection(ReplicaCollection.Name)]
public sealed class ReplicaTests(ReplicaMeshFixture mesh, Xunit.Abstractions.ITestOutputHelper output)
{
    private static readonly TimeSpan Prompt = TimeSpan.FromSeconds(5);

    [PostgresFact]
    public async Task Nine_replicas_started_at_once_on_empty_databases_migrate_each_database_exactly_once()
    {
        foreach (var info in MeshServiceInfo.All)
        {
            var migrations = await mesh.MigrationsAsync(info.Service);
            Assert.NotEmpty(migrations);
            Assert.Equal(Enumerable.Range(1, migrations.Count), migrations.Select(row => row.Version));
            Assert.All(migrations, row => Assert.Equal(1, row.Count));
        }

        // Every replica answers (the fixture waited for readiness; this proves they also serve).
        for (var index = 0; index < ReplicaMeshFixture.ReplicaCount; index++)
        {
            using var channel = mesh.Channel(MeshService.Inventory, index);
            var reply = await new InventoryService.InventoryServiceClient(channel).ListItemsAsync(new ListItemsRequest(), deadline: Deadlines.Call());
            Assert.NotNull(reply);
        }
    }

    [PostgresFact]
    public async Task A_user_created_through_one_replica_is_read_and_updated_through_the_others()
    {
        using var first = mesh.Channel(MeshService.Users, 0);
        var user = await TestData.CreateUserAsync(new UserService.UserServiceClient(first));

        for (var index = 1; index < ReplicaMeshFixture.ReplicaCount; index++)
        {
            using var channel = mesh.Channel(MeshService.Users, index);
            var read = await new UserService.UserServiceClient(channel).GetUserAsync(new GetUserRequest { UserId = user.UserId }, deadline: Deadlines.Call());
            Assert.Equal(user.Email, read.User.Email);
        }

        using var last = mesh.Channel(MeshService.Users, 2);
        var renamed = await new UserService.UserServiceClient(last).UpdateUserAsync(
            new UpdateUserRequest { UserId = user.UserId, DisplayName = "Renamed on replica 2" },
            deadline: Deadlines.Call());
        var seen = await new UserService.UserServiceClient(first).GetUserAsync(new GetUserRequest { UserId = user.UserId }, deadline: Deadlines.Call());
        Assert.Equal("Renamed on replica 2", seen.User.DisplayName);
        Assert.Equal(renamed.User.UpdateTime, seen.User.UpdateTime);
    }

    [PostgresFact]
    public async Task A_stock_change_through_one_replica_reaches_a_watcher_on_another_promptly()
    {
        using var writerChannel = mesh.Channel(MeshService.Inventory, 0);
        var writer = new InventoryService.InventoryServiceClient(writerChannel);
        var item = await TestData.CreateItemAsync(writer, priceMinor: 500, quantity: 10);

        using var watcherChannel = mesh.Channel(MeshService.Inventory, 2);
        using var watchTimeout = Deadlines.After(30);
        using var watch = new InventoryService.InventoryServiceClient(watcherChannel).WatchInventory(
            new WatchInventoryRequest { Skus = { item.Sku }, StartAtHead = true }, cancellationToken: watchTimeout.Token);
        // The first message (a heartbeat at the head) says the subscription is live.
        Assert.True(await watch.ResponseStream.MoveNext(watchTimeout.Token));

        var sent = Stopwatch.StartNew();
        await writer.AdjustStockAsync(
            new AdjustStockRequest { RequestId = Guid.NewGuid().ToString(), Sku = item.Sku, Delta = 7, Reason = "replica test" },
            deadline: Deadlines.Call());
        InventoryEvent? received = null;
        while (received is null && await watch.ResponseStream.MoveNext(watchTimeout.Token))
        {
            received = watch.ResponseStream.Current.Event;
        }

        var latency = sent.Elapsed;
        output.WriteLine($"AdjustStock on inventory-0 to the event on a watcher of inventory-2: {latency.TotalMilliseconds:F0} ms");
        Assert.NotNull(received);
        Assert.Equal(InventoryEventType.StockAdjusted, received.Type);
        Assert.Equal(17, received.Item.AvailableQuantity);
        Assert.True(latency < Prompt, $"the event took {latency.TotalMilliseconds:F0} ms to cross replicas");
    }

    [PostgresFact]
    public async Task Orders_placed_on_different_replicas_are_seen_by_every_replica_and_counted_once_by_the_users_consumers()
    {
        using var usersChannel = mesh.Channel(MeshService.Users, 0);
        using var inventoryChannel = mesh.Channel(MeshService.Inventory, 0);
        var user = await TestData.CreateUserAsync(new UserService.UserServiceClient(usersChannel));
        var item = await TestData.CreateItemAsync(new InventoryService.InventoryServiceClient(inventoryChannel), priceMinor: 250, quantity: 100);

        using var watchChannel = mesh.Channel(MeshService.Orders, 2);
        using var watchTimeout = Deadlines.After(60);
        using var watch = new OrderService.OrderServiceClient(watchChannel).WatchOrderEvents(
            new WatchOrderEventsRequest { UserId = user.UserId }, cancellationToken: watchTimeout.Token);

        var placed = new List<Order>();
        for (var index = 0; index < 6; index++)
        {
            using var channel = mesh.Channel(MeshService.Orders, index % ReplicaMeshFixture.ReplicaCount);
            var reply = await new OrderService.OrderServiceClient(channel).PlaceOrderAsync(
                TestData.PlaceRequest(user.UserId, item.Sku, 1), deadline: Deadlines.Call());
            Assert.Equal(OrderState.Confirmed, reply.Order.State);
            placed.Add(reply.Order);
        }

        // Read back through a replica that did not place it.
        using (var other = mesh.Channel(MeshService.Orders, 1))
        {
            var read = await new OrderService.OrderServiceClient(other).GetOrderAsync(new GetOrderRequest { OrderId = placed[0].OrderId }, deadline: Deadlines.Call());
            Assert.Equal(OrderState.Confirmed, read.Order.State);
        }

        // The watcher on replica 2 sees every order confirmed, each once, in order.
        var confirmed = new List<string>();
        var lastSequence = 0L;
        while (confirmed.Count < placed.Count && await watch.ResponseStream.MoveNext(watchTimeout.Token))
        {
            if (watch.ResponseStream.Current.Event is { } change)
            {
                Assert.True(change.Sequence > lastSequence, "sequences must increase");
                lastSequence = change.Sequence;
                if (change.Type == OrderEventType.OrderConfirmed)
                {
                    confirmed.Add(change.Order.OrderId);
                }
            }
        }

        Assert.Equal(placed.Select(order => order.OrderId), confirmed);

        // Three users replicas each run the stats consumer on one shared cursor: every replica
        // reports exactly six orders and 6 × 2.50, never more.
        for (var index = 0; index < ReplicaMeshFixture.ReplicaCount; index++)
        {
            using var channel = mesh.Channel(MeshService.Users, index);
            var stats = await WaitForStatsAsync(new UserService.UserServiceClient(channel), user.UserId, placed.Count);
            Assert.Equal(placed.Count, stats.OrdersPlaced);
            Assert.Equal(1500, Assert.Single(stats.LifetimeSpend).AmountMinor);
        }

        // Give every consumer time to see the events again; the counts must not move.
        await Task.Delay(TimeSpan.FromSeconds(2));
        var again = await new UserService.UserServiceClient(usersChannel).GetUserAsync(new GetUserRequest { UserId = user.UserId }, deadline: Deadlines.Call());
        Assert.Equal(placed.Count, again.OrderStats.OrdersPlaced);
    }

    [PostgresFact]
    public async Task The_last_units_ordered_through_every_replica_at_once_are_never_oversold()
    {
        using var usersChannel = mesh.Channel(MeshService.Users, 1);
        using var inventoryChannel = mesh.Channel(MeshService.Inventory, 1);
        var inventory = new InventoryService.InventoryServiceClient(inventoryChannel);
        var user = await TestData.CreateUserAsync(new UserService.UserServiceClient(usersChannel));
        var item = await TestData.CreateItemAsync(inventory, priceMinor: 900, quantity: 5);

        var channels = Enumerable.Range(0, ReplicaMeshFixture.ReplicaCount).Select(index => mesh.Channel(MeshService.Orders, index)).ToList();
        try
        {
            var attempts = await Task.WhenAll(Enumerable.Range(0, 30).Select(async attempt =>
            {
                var client = new OrderService.OrderServiceClient(channels[attempt % channels.Count]);
                try
                {
                    // Thirty sagas queue on one item's lock; a loaded two-core runner needs more than one call's deadline.
                    var reply = await client.PlaceOrderAsync(TestData.PlaceRequest(user.UserId, item.Sku, 1), deadline: DateTime.UtcNow.AddSeconds(60));
                    return (Status: StatusCode.OK, State: reply.Order.State);
                }
                catch (RpcException exception)
                {
                    return (Status: exception.StatusCode, State: OrderState.Unspecified);
                }
            }));

            var outcomes = string.Join(", ", attempts.GroupBy(attempt => $"{attempt.Status}/{attempt.State}").Select(group => $"{group.Key} × {group.Count()}"));
            Assert.True(5 == attempts.Count(attempt => attempt is { Status: StatusCode.OK, State: OrderState.Confirmed }), $"expected 5 confirmed orders; outcomes: {outcomes}");
            // Everyone else is told the stock ran out; nothing fails for another reason.
            Assert.All(attempts.Where(attempt => attempt.Status != StatusCode.OK), attempt => Assert.Equal(StatusCode.FailedPrecondition, attempt.Status));
        }
        finally
        {
            channels.ForEach(channel => channel.Dispose());
        }

        for (var index = 0; index < ReplicaMeshFixture.ReplicaCount; index++)
        {
            using var channel = mesh.Channel(MeshService.Inventory, index);
            var stored = (await new InventoryService.InventoryServiceClient(channel).GetItemAsync(new GetItemRequest { Sku = item.Sku }, deadline: Deadlines.Call())).Item;
            Assert.Equal(0, stored.AvailableQuantity);
            Assert.Equal(0, stored.ReservedQuantity);
        }
    }

    [PostgresFact]
    public async Task The_same_request_id_sent_to_every_replica_at_once_places_one_order()
    {
        using var usersChannel = mesh.Channel(MeshService.Users, 2);
        using var inventoryChannel = mesh.Channel(MeshService.Inventory, 2);
        var inventory = new InventoryService.InventoryServiceClient(inventoryChannel);
        var user = await TestData.CreateUserAsync(new UserService.UserServiceClient(usersChannel));
        var item = await TestData.CreateItemAsync(inventory, priceMinor: 100, quantity: 50);

        var channels = Enumerable.Range(0, ReplicaMeshFixture.ReplicaCount).Select(index => mesh.Channel(MeshService.Orders, index)).ToList();
        try
        {
            const int Rounds = 5;
            for (var round = 0; round < Rounds; round++)
            {
                var request = TestData.PlaceRequest(user.UserId, item.Sku, 2);
                var replies = await Task.WhenAll(channels.Select(channel =>
                    new OrderService.OrderServiceClient(channel).PlaceOrderAsync(request, deadline: Deadlines.Call()).ResponseAsync));
                Assert.Single(replies.Select(reply => reply.Order.OrderId).Distinct());
                Assert.All(replies, reply => Assert.Equal(OrderState.Confirmed, reply.Order.State));
            }

            var listed = await new OrderService.OrderServiceClient(channels[0]).ListOrdersAsync(new ListOrdersRequest { UserId = user.UserId }, deadline: Deadlines.Call());
            Assert.Equal(Rounds, listed.Orders.Count);
            var stored = (await inventory.GetItemAsync(new GetItemRequest { Sku = item.Sku }, deadline: Deadlines.Call())).Item;
            Assert.Equal(50 - (Rounds * 2), stored.AvailableQuantity);
        }
        finally
        {
            channels.ForEach(channel => channel.Dispose());
        }
    }

    [PostgresFact]
    public async Task An_orders_replica_killed_mid_saga_loses_no_order_and_leaves_no_stock_held()
    {
        const int Initial = 1_000;
        const int Orders = 30;
        using var usersChannel = mesh.Channel(MeshService.Users, 0);
        using var inventoryChannel = mesh.Channel(MeshService.Inventory, 1);
        var inventory = new InventoryService.InventoryServiceClient(inventoryChannel);
        var user = await TestData.CreateUserAsync(new UserService.UserServiceClient(usersChannel));
        var item = await TestData.CreateItemAsync(inventory, priceMinor: 300, quantity: Initial);

        var requests = Enumerable.Range(0, Orders).Select(index => TestData.PlaceRequest(user.UserId, item.Sku, 1 + (index % 3))).ToList();
        var outcomes = new Dictionary<string, PlaceOrderResponse>();
        using var victimChannel = mesh.Channel(MeshService.Orders, 0);
        using var survivorChannel = mesh.Channel(MeshService.Orders, 1);
        var victim = new OrderService.OrderServiceClient(victimChannel);
        var survivor = new OrderService.OrderServiceClient(survivorChannel);
        try
        {
            // A steady stream of placements on replica 0, killed while some are mid-saga.
            var inFlight = new List<Task<PlaceOrderResponse>>();
            foreach (var (request, index) in requests.Select((request, index) => (request, index)))
            {
                if (index == Orders / 3)
                {
                    await mesh.KillAsync(MeshService.Orders, 0);
                }

                inFlight.Add(victim.PlaceOrderAsync(request, deadline: Deadlines.Call()).ResponseAsync);
                await Task.Delay(15);
            }

            // What the client sees: some answered, the rest failed with the connection. A client
            // retries the failures with the same request_id on a replica that is up.
            var retried = 0;
            for (var index = 0; index < Orders; index++)
            {
                try
                {
                    outcomes[requests[index].RequestId] = await inFlight[index];
                }
                catch (RpcException exception) when (exception.StatusCode is StatusCode.Unavailable or StatusCode.Internal or StatusCode.Cancelled or StatusCode.DeadlineExceeded)
                {
                    outcomes[requests[index].RequestId] = await RetryUntilSettledAsync(survivor, requests[index]);
                    retried++;
                }
            }

            output.WriteLine($"{Orders - retried} placements answered by the killed replica, {retried} retried on replica 1");
            Assert.True(retried > 0, "the kill came too late to catch any placement");
        }
        finally
        {
            await mesh.RestartAsync(MeshService.Orders, 0);
        }

        // Every request has exactly one order, and none stays PENDING once the sweepers ran.
        var orders = await WaitUntilNonePendingAsync(survivor, user.UserId);
        Assert.Equal(Orders, orders.Count);
        Assert.Equal(requests.Select(request => request.RequestId).Order(), orders.Select(order => order.RequestId).Order());
        Assert.All(orders, order => Assert.Contains(order.State, new[] { OrderState.Confirmed, OrderState.Rejected }));
        foreach (var order in orders)
        {
            Assert.Equal(order.OrderId, outcomes[order.RequestId].Order.OrderId);
        }

        // Stock is conserved: what is gone is exactly what confirmed orders bought, and nothing is left held.
        var sold = orders.Where(order => order.State == OrderState.Confirmed).Sum(order => order.Lines.Sum(line => line.Quantity));
        output.WriteLine($"{orders.Count(order => order.State == OrderState.Confirmed)} confirmed, {orders.Count(order => order.State == OrderState.Rejected)} rejected, {sold} units sold");
        var stored = await WaitUntilNothingReservedAsync(inventory, item.Sku);
        Assert.Equal(Initial - sold, stored.AvailableQuantity);
    }

    private static async Task<OrderStats> WaitForStatsAsync(UserService.UserServiceClient users, string userId, long placed) =>
        await Eventually.ReadUntilAsync(
            async () => (await users.GetUserAsync(new GetUserRequest { UserId = userId }, deadline: Deadlines.Call())).OrderStats ?? new OrderStats(),
            stats => stats.OrdersPlaced >= placed,
            TimeSpan.FromSeconds(30));

    private static async Task<PlaceOrderResponse> RetryUntilSettledAsync(OrderService.OrderServiceClient client, PlaceOrderRequest request)
    {
        using var timeout = Deadlines.After(60);
        while (true)
        {
            try
            {
                var reply = await client.PlaceOrderAsync(request, deadline: Deadlines.Call());
                if (reply.Order.State != OrderState.Pending || timeout.IsCancellationRequested)
                {
                    return reply;
                }
            }
            catch (RpcException exception) when (exception.StatusCode is StatusCode.Unavailable or StatusCode.Aborted && !timeout.IsCancellationRequested)
            {
                // The dead replica's placement is still being settled; retry as a client would.
            }

            await Task.Delay(250);
        }
    }

    private static async Task<IReadOnlyList<Order>> WaitUntilNonePendingAsync(OrderService.OrderServiceClient client, string userId) =>
        await Eventually.ReadUntilAsync(
            async () => (IReadOnlyList<Order>)(await client.ListOrdersAsync(
                new ListOrdersRequest { UserId = userId, Page = new Mesh.Common.V1.PageRequest { PageSize = 100 } }, deadline: Deadlines.Call())).Orders,
            orders => orders.All(order => order.State != OrderState.Pending),
            TimeSpan.FromSeconds(60));

    private static async Task<Item> WaitUntilNothingReservedAsync(InventoryService.InventoryServiceClient inventory, string sku) =>
        await Eventually.ReadUntilAsync(
            async () => (await inventory.GetItemAsync(new GetItemRequest { Sku = sku }, deadline: Deadlines.Call())).Item,
            item => item.ReservedQuantity == 0,
            TimeSpan.FromSeconds(60));

}
