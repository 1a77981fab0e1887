using Grpc.Core;
using Grpc.Net.Client;
using Mesh.Orders.Api;
using Mesh.Orders.Domain;
using Mesh.Orders.Tests.Support;
using Mesh.Orders.V1;
using Mesh.Testing;
using Mesh.Testing.Postgres;
using Microsoft.Extensions.DependencyInjection;

namespace Mesh.Orders.Tests.Replicas;

/// <summary>
/// Two orders replicas (in-process hosts) on one PostgreSQL database, with the same users and
/// inventory behind them: what one replica guarantees on SQLite, two guarantee together.
/// </summary>
public sealed class OrdersReplicaTests : IAsyncLifetime
{
    // The background sweep stays out of the way; the tests sweep when they mean to.
    private static readonly Dictionary<string, string> Settings = new() { ["Mesh:Orders:SweepInterval"] = "01:00:00" };

    private OwnedOrdersMesh? _own;
    private MeshServiceFactory<OrderGrpcService>? _replicaB;
    private GrpcChannel? _channelB;

    private OrdersMesh Mesh => _own!.Mesh;

    private OrderService.OrderServiceClient ReplicaA => Mesh.Orders;

    private OrderService.OrderServiceClient ReplicaB => new(_channelB!);

    public async Task InitializeAsync()
    {
        if (PostgresServer.SkipReason is not null)
        {
            return;
        }

        _own = await new PostgresMeshFixture().CreateOwnAsync(Settings);
        _replicaB = Mesh.CreateOrdersReplica();
        _channelB = _replicaB.CreateChannel();
    }

    [PostgresFact]
    public async Task PlaceOrder_SameRequestIdOnBothReplicasAtOnce_OneOrderOneReservationSameAnswer()
    {
        var user = await Mesh.CreateUserAsync();
        var sku = await Mesh.CreateItemAsync(quantity: 100);
        // A slow reservation keeps the first saga running while its duplicate arrives on the other replica.
        Mesh.InventoryFaults.Delay("ReserveStock", TimeSpan.FromMilliseconds(150));

        for (var round = 0; round < 10; round++)
        {
            var request = Requests.Place(user, (sku, 2));
            var reserves = Mesh.InventoryFaults.Calls("ReserveStock");

            var answers = await Task.WhenAll(
                Task.Run(() => ReplicaA.PlaceOrderAsync(request).ResponseAsync),
                Task.Run(() => ReplicaB.PlaceOrderAsync(request).ResponseAsync));

            Assert.Equal(OrderState.Confirmed, answers[0].Order.State);
            Assert.Equal(answers[0], answers[1]);
            Assert.Equal(reserves + 1, Mesh.InventoryFaults.Calls("ReserveStock"));
        }

        Assert.Equal(10, (await Mesh.OrdersOfAsync(user)).Count);
        Assert.Equal((80, 0), await Mesh.StockAsync(sku));
    }

    [PostgresFact]
    public async Task PlaceOrder_RejectedRequestRetriedOnBothReplicasAtOnce_SameRejectionAndOneOrder()
    {
        var sku = await Mesh.CreateItemAsync(quantity: 1);
        var user = await Mesh.CreateUserAsync();
        var request = Requests.Place(user, (sku, 5));

        var failures = await Task.WhenAll(
            Task.Run(() => RpcAssert.FailsAsync(StatusCode.FailedPrecondition, () => ReplicaA.PlaceOrderAsync(request).ResponseAsync)),
            Task.Run(() => RpcAssert.FailsAsync(StatusCode.FailedPrecondition, () => ReplicaB.PlaceOrderAsync(request).ResponseAsync)));

        Assert.Equal(failures[0].Status.Detail, failures[1].Status.Detail);
        Assert.Equal(OrderState.Rejected, Assert.Single(await Mesh.OrdersOfAsync(user)).State);
    }

    [PostgresFact]
    public async Task Sweeper_OnBothReplicasWhileASlowSagaRuns_LeavesItThenSettlesAnAbandonedOrderOnce()
    {
        var user = await Mesh.CreateUserAsync();
        var sku = await Mesh.CreateItemAsync(quantity: 10);
        var sales = Mesh.InventoryFaults.Calls("ReserveStock");
        Mesh.InventoryFaults.Delay("ReserveStock", TimeSpan.FromSeconds(2));
        var slow = Task.Run(() => ReplicaA.PlaceOrderAsync(Requests.Place(user, (sku, 2))).ResponseAsync);
        await Eventually.HoldsAsync(() => Mesh.InventoryFaults.Calls("ReserveStock") > sales, "the saga reaches its sale", TimeSpan.FromSeconds(10));
        Mesh.OrdersClock.Offset = TimeSpan.FromMinutes(3); // long past AbandonAfter

        var sweptWhileRunning = await Task.WhenAll(SweepAsync(Mesh.OrdersHost.Services), SweepAsync(_replicaB!.Services));
        var placed = (await slow).Order;

        Assert.Equal([0, 0], sweptWhileRunning);
        Assert.Equal(OrderState.Confirmed, placed.State);
        Assert.Equal((8, 0), await Mesh.StockAsync(sku));

        // Now an order really abandoned: its sale never reached inventory, and nobody retries.
        Mesh.ClearFaults();
        Mesh.InventoryFaults.FailBefore("ReserveStock", StatusCode.Unavailable);
        await RpcAssert.FailsAsync(StatusCode.Unavailable, () => ReplicaB.PlaceOrderAsync(Requests.Place(user, (sku, 3))).ResponseAsync);
        Mesh.ClearFaults();
        var head = await Mesh.OrderEventHeadAsync();
        var releases = Mesh.InventoryFaults.Calls("ReleaseReservation");
        Mesh.OrdersClock.Offset = TimeSpan.FromMinutes(3);

        var settled = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => SweepAsync(i % 2 == 0 ? Mesh.OrdersHost.Services : _replicaB.Services)));

        Assert.Equal(1, settled.Sum());
        Assert.Equal(releases + 1, Mesh.InventoryFaults.Calls("ReleaseReservation"));
        var rejected = Assert.Single(await Mesh.OrderEventsAfterAsync(head));
        Assert.Equal(OrderEventType.OrderRejected, rejected.Type);
        Assert.StartsWith("abandoned", rejected.Order.Reason, StringComparison.Ordinal);
        Assert.Equal((8, 0), await Mesh.StockAsync(sku));
    }

    [PostgresFact]
    public async Task CancelOrder_RacingOnBothReplicas_OneCancellationOneEventStockBackOnce()
    {
        var user = await Mesh.CreateUserAsync();
        var sku = await Mesh.CreateItemAsync(quantity: 50);
        for (var round = 0; round < 5; round++)
        {
            var placed = (await ReplicaA.PlaceOrderAsync(Requests.Place(user, (sku, 4)))).Order;
            var head = await Mesh.OrderEventHeadAsync();
            var cancel = new CancelOrderRequest { OrderId = placed.OrderId, Reason = "changed my mind" };

            var answers = await Task.WhenAll(
                Task.Run(() => ReplicaA.CancelOrderAsync(cancel).ResponseAsync),
                Task.Run(() => ReplicaB.CancelOrderAsync(cancel).ResponseAsync),
                Task.Run(() => ReplicaB.CancelOrderAsync(cancel).ResponseAsync));

            Assert.All(answers, answer => Assert.Equal(answers[0].Order, answer.Order));
            Assert.Equal(OrderState.Cancelled, answers[0].Order.State);
            var cancelled = Assert.Single(await Mesh.OrderEventsAfterAsync(head));
            Assert.Equal(OrderEventType.OrderCancelled, cancelled.Type);
            Assert.Equal((50, 0), await Mesh.StockAsync(sku));
        }
    }

    [PostgresFact]
    public async Task CatalogFeed_FollowedByBothReplicas_SharedCacheEndsAtTheLatestPrices()
    {
        var skus = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            skus.Add(await Mesh.CreateItemAsync(quantity: 10, priceMinor: 100));
        }

        // Both replicas' consumers race to apply each change to the one shared cache.
        for (var change = 1; change <= 5; change++)
        {
            foreach (var sku in skus)
            {
                await Mesh.Inventory.UpdateItemAsync(new Mesh.Inventory.V1.UpdateItemRequest
                {
                    Sku = sku, UnitPrice = new Mesh.Common.V1.Money { CurrencyCode = "USD", AmountMinor = 100 + change },
                });
                await Mesh.Inventory.AdjustStockAsync(new Mesh.Inventory.V1.AdjustStockRequest
                {
                    RequestId = Guid.NewGuid().ToString(), Sku = sku, Delta = 1, Reason = $"restock {change}",
                });
            }
        }

        foreach (var sku in skus)
        {
            var item = await Mesh.CachedItemAsync(sku, cached => cached.Available == 15);
            Assert.Equal(105, item.UnitPriceMinor);
        }

        var consumerB = _replicaB!.Services.GetRequiredService<Mesh.Orders.Feeds.InventoryCatalogConsumer>();
        await Eventually.HoldsAsync(() => consumerB.IsLive, "replica B's catalog feed is live", TimeSpan.FromSeconds(15));
        var cacheB = _replicaB.Services.GetRequiredService<Mesh.Orders.Storage.CatalogCacheStore>();
        var seenByB = await cacheB.FindAsync(skus, CancellationToken.None);
        Assert.All(skus, sku => Assert.Equal((105L, 15L), (seenByB[sku].UnitPriceMinor, seenByB[sku].Available)));
    }

    public async Task DisposeAsync()
    {
        _channelB?.Dispose();
        _replicaB?.Dispose();
        if (_own is not null)
        {
            await _own.DisposeAsync();
        }
    }

    private static async Task<int> SweepAsync(IServiceProvider services)
    {
        await using var scope = services.CreateAsyncScope();
        return await Task.Run(() => scope.ServiceProvider.GetRequiredService<AbandonedOrderSweeper>().SweepOnceAsync(CancellationToken.None));
    }
}
