using Mesh.Orders.Api;
using Mesh.Orders.Domain;
using Mesh.Orders.Feeds;
using Mesh.Orders.V1;
using Mesh.Testing.Postgres;

namespace Mesh.Orders.Tests.Storage;

/// <summary>
/// What the order store guarantees, run against each provider (the derived classes
/// below); the races run through two replicas' stores on one database.
/// </summary>
public abstract class OrderStoreContractTests
{
    protected static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeMilliseconds(1_750_000_000_000);

    protected abstract Task<OrdersStorageHarness> CreateHarnessAsync();

    [ContractFact]
    public async Task ClaimAsync_NewRequest_CreatesPendingOrderWithUnpricedLines()
    {
        await using var storage = await CreateHarnessAsync();
        var order = NewOrder("user-1", ("pen", 3), ("pad", 1));

        var claim = await storage.Orders.ClaimAsync(order, CancellationToken.None);

        Assert.True(claim.Created);
        Assert.Equal(order.OrderId, claim.Order.OrderId);
        Assert.Equal(OrderStatus.Pending, claim.Order.Status);
        Assert.Equal(T0, claim.Order.CreateTime);
        Assert.Equal([new OrderLineRecord("pen", 3, null, null, null), new OrderLineRecord("pad", 1, null, null, null)], claim.Order.Lines);
        Assert.Null(claim.Order.TotalMinor);
        Assert.Equal(Proto(claim.Order), Proto(await storage.SecondReplicaOrders.FindAsync(order.OrderId, CancellationToken.None)));
        Assert.Empty(await EventsAsync(storage));
    }

    [ContractFact]
    public async Task ClaimAsync_RequestIdTaken_ReturnsTheHolderNotCreated()
    {
        await using var storage = await CreateHarnessAsync();
        var first = NewOrder("user-1", ("pen", 3));
        await storage.Orders.ClaimAsync(first, CancellationToken.None);

        var again = await storage.SecondReplicaOrders.ClaimAsync(first with { OrderId = Guid.NewGuid().ToString() }, CancellationToken.None);

        Assert.False(again.Created);
        Assert.Equal(first.OrderId, again.Order.OrderId);
        Assert.Single(await storage.Orders.ListByUserAsync("user-1", null, 10, CancellationToken.None));
    }

    [ContractFact]
    public async Task ClaimAsync_SameRequestIdRacesOnTwoReplicas_OneOrderAndEveryCallerGetsIt()
    {
        await using var storage = await CreateHarnessAsync();
        for (var round = 0; round < 10; round++)
        {
            var request = NewOrder($"user-{round}", ("pen", 1));
            var claims = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() =>
            {
                var store = i % 2 == 0 ? storage.Orders : storage.SecondReplicaOrders;
                return store.ClaimAsync(request with { OrderId = Guid.NewGuid().ToString() }, CancellationToken.None);
            })));

            Assert.Equal(1, claims.Count(claim => claim.Created));
            Assert.Single(claims.Select(claim => claim.Order.OrderId).Distinct());
            Assert.Single(await storage.Orders.ListByUserAsync(request.UserId, null, 10, CancellationToken.None));
        }
    }

    [ContractFact]
    public async Task ClaimAsync_NewRequestPriced_StoresThePricesAndAnnouncesPlacedOnce()
    {
        await using var storage = await CreateHarnessAsync();
        var order = NewOrder("user-1", ("pen", 3), ("pad", 1)) with { Priced = PenAndPad };

        var claim = await storage.Orders.ClaimAsync(order, CancellationToken.None);
        var stored = await storage.SecondReplicaOrders.FindAsync(order.OrderId, CancellationToken.None);
        // A resumed saga prices again: nothing more to announce.
        await storage.SecondReplicaOrders.SavePricingAsync(order.OrderId, PenAndPad, T0.AddSeconds(1));

        Assert.True(claim.Created);
        Assert.Equal((OrderStatus.Pending, "USD", 2749L), (claim.Order.Status, claim.Order.CurrencyCode, claim.Order.TotalMinor));
        Assert.Equal([new OrderLineRecord("pen", 3, "Pen", 250, 750), new OrderLineRecord("pad", 1, "Pad", 1999, 1999)], claim.Order.Lines);
        Assert.Equal(Proto(claim.Order), Proto(stored));
        var placed = Assert.Single(await EventsAsync(storage));
        Assert.Equal((OrderEventType.OrderPlaced, order.OrderId, 2749L), (placed.Type, placed.Order.OrderId, placed.Order.Total.AmountMinor));
        Assert.Equal(T0, placed.OccurTime.ToDateTimeOffset());
    }

    [ContractFact]
    public async Task ClaimAsync_PricedButRequestIdTaken_ReturnsTheHolderUnpricedAndAnnouncesNothing()
    {
        await using var storage = await CreateHarnessAsync();
        var first = NewOrder("user-1", ("pen", 3), ("pad", 1));
        await storage.Orders.ClaimAsync(first, CancellationToken.None);

        var again = await storage.SecondReplicaOrders.ClaimAsync(
            first with { OrderId = Guid.NewGuid().ToString(), Priced = PenAndPad }, CancellationToken.None);

        Assert.False(again.Created);
        Assert.Equal(first.OrderId, again.Order.OrderId);
        Assert.Null(again.Order.TotalMinor);
        Assert.All(again.Order.Lines, line => Assert.Null(line.UnitPriceMinor));
        Assert.Empty(await EventsAsync(storage));
    }

    [ContractFact]
    public async Task ClaimAsync_PricedForOtherLines_ThrowsAndStoresNothing()
    {
        await using var storage = await CreateHarnessAsync();
        var order = NewOrder("user-1", ("pen", 2), ("pad", 1)) with { Priced = PenAndPad };

        await Assert.ThrowsAsync<ArgumentException>(() => storage.Orders.ClaimAsync(order, CancellationToken.None));

        Assert.Null(await storage.Orders.FindAsync(order.OrderId, CancellationToken.None));
        Assert.Empty(await EventsAsync(storage));
    }

    [ContractFact]
    public async Task SavePricingAsync_PricedTwice_StoresPricesAndAnnouncesPlacedOnce()
    {
        await using var storage = await CreateHarnessAsync();
        var order = NewOrder("user-1", ("pen", 3), ("pad", 1));
        await storage.Orders.ClaimAsync(order, CancellationToken.None);
        var priced = new PricedOrder("USD", [new PricedLine("pen", "Pen", 3, 250, 750), new PricedLine("pad", "Pad", 1, 1999, 1999)], 2749);

        await storage.Orders.SavePricingAsync(order.OrderId, priced, T0.AddSeconds(1));
        await storage.SecondReplicaOrders.SavePricingAsync(order.OrderId, priced, T0.AddSeconds(2));

        var stored = await storage.Orders.FindAsync(order.OrderId, CancellationToken.None);
        Assert.NotNull(stored);
        Assert.Equal(("USD", 2749L), (stored.CurrencyCode, stored.TotalMinor));
        Assert.Equal([new OrderLineRecord("pen", 3, "Pen", 250, 750), new OrderLineRecord("pad", 1, "Pad", 1999, 1999)], stored.Lines);
        var placed = Assert.Single(await EventsAsync(storage));
        Assert.Equal(OrderEventType.OrderPlaced, placed.Type);
        Assert.Equal(2749, placed.Order.Total.AmountMinor);
        Assert.Equal("user-1", (await storage.Log.ReadAsync(0, long.MaxValue, 10, [], CancellationToken.None))[0].FilterKey);
    }

    [ContractFact]
    public async Task SavePricingAsync_OrderNoLongerPending_ThrowsAndChangesNothing()
    {
        await using var storage = await CreateHarnessAsync();
        var order = NewOrder("user-1", ("pen", 1));
        await storage.Orders.ClaimAsync(order, CancellationToken.None);
        await storage.Orders.RejectAsync(order.OrderId, "no", new Google.Rpc.Status { Code = 5, Message = "no" }, T0);

        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            storage.Orders.SavePricingAsync(order.OrderId, new PricedOrder("USD", [new PricedLine("pen", "Pen", 1, 1, 1)], 1), T0));

        Assert.Null((await storage.Orders.FindAsync(order.OrderId, CancellationToken.None))!.TotalMinor);
        Assert.Equal([OrderEventType.OrderRejected], (await EventsAsync(storage)).Select(e => e.Type));
    }

    [ContractFact]
    public async Task RejectAsync_Pending_StoresRejectionForReplayAndAnnouncesIt()
    {
        await using var storage = await CreateHarnessAsync();
        var order = NewOrder("user-1", ("pen", 1));
        await storage.Orders.ClaimAsync(order, CancellationToken.None);
        var rejection = new Google.Rpc.Status { Code = 9, Message = "not enough stock" };

        var rejected = await storage.Orders.RejectAsync(order.OrderId, "not enough stock", rejection, T0.AddSeconds(5));

        Assert.Equal(OrderStatus.Rejected, rejected.Status);
        Assert.Equal(rejection, rejected.Rejection);
        Assert.Equal(T0.AddSeconds(5), rejected.UpdateTime);
        Assert.Equal(Proto(rejected), Proto(await storage.SecondReplicaOrders.FindAsync(order.OrderId, CancellationToken.None)));
        var announced = Assert.Single(await EventsAsync(storage));
        Assert.Equal(OrderEventType.OrderRejected, announced.Type);
        Assert.Equal("not enough stock", announced.Order.Reason);
    }

    [ContractFact]
    public async Task ConfirmAndRejectAsync_RaceOnTwoReplicas_OneMoveAndOneEventPerOrder()
    {
        await using var storage = await CreateHarnessAsync();
        for (var round = 0; round < 10; round++)
        {
            var order = NewOrder("user-1", ("pen", 1));
            await storage.Orders.ClaimAsync(order, CancellationToken.None);
            var head = (await storage.Log.PositionAsync(CancellationToken.None)).Head;

            var results = await Task.WhenAll(
                Task.Run(() => storage.Orders.ConfirmAsync(order.OrderId, T0)),
                Task.Run(() => storage.SecondReplicaOrders.RejectAsync(order.OrderId, "abandoned", new Google.Rpc.Status { Code = 10 }, T0)),
                Task.Run(() => storage.SecondReplicaOrders.ConfirmAsync(order.OrderId, T0)),
                Task.Run(() => storage.Orders.RejectAsync(order.OrderId, "abandoned", new Google.Rpc.Status { Code = 10 }, T0)));

            var final = await storage.Orders.FindAsync(order.OrderId, CancellationToken.None);
            Assert.All(results, result => Assert.Equal(Proto(final), Proto(result)));
            var announced = Assert.Single(await EventsAsync(storage, head));
            Assert.Equal(final!.Status == OrderStatus.Confirmed ? OrderEventType.OrderConfirmed : OrderEventType.OrderRejected, announced.Type);
        }
    }

    [ContractFact]
    public async Task CancelAsync_RacesOnTwoReplicas_OneCancellationAndOneEvent()
    {
        await using var storage = await CreateHarnessAsync();
        var order = NewOrder("user-1", ("pen", 1));
        await storage.Orders.ClaimAsync(order, CancellationToken.None);
        await storage.Orders.ConfirmAsync(order.OrderId, T0);
        var head = (await storage.Log.PositionAsync(CancellationToken.None)).Head;

        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => Task.Run(() =>
            (i % 2 == 0 ? storage.Orders : storage.SecondReplicaOrders).CancelAsync(order.OrderId, $"reason {i}", T0.AddSeconds(i)))));

        Assert.All(results, result => Assert.Equal(OrderStatus.Cancelled, result.Status));
        Assert.Single(results.Select(result => result.Reason).Distinct());
        var cancelled = Assert.Single(await EventsAsync(storage, head));
        Assert.Equal(OrderEventType.OrderCancelled, cancelled.Type);
        Assert.Equal(results[0].Reason, cancelled.Order.Reason);
    }

    [ContractFact]
    public async Task CancelAsync_PendingOrder_LeavesItAndAnnouncesNothing()
    {
        await using var storage = await CreateHarnessAsync();
        var order = NewOrder("user-1", ("pen", 1));
        await storage.Orders.ClaimAsync(order, CancellationToken.None);

        var result = await storage.Orders.CancelAsync(order.OrderId, "too early", T0);

        Assert.Equal(OrderStatus.Pending, result.Status);
        Assert.Empty(await EventsAsync(storage));
    }

    [ContractFact]
    public async Task ListByUserAsync_Paged_NewestFirstAndOnlyThatUser()
    {
        await using var storage = await CreateHarnessAsync();
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var order = NewOrder("user-1", ("pen", i + 1));
            ids.Add(order.OrderId);
            await storage.Orders.ClaimAsync(order, CancellationToken.None);
            await storage.Orders.ClaimAsync(NewOrder("user-2", ("pen", 1)), CancellationToken.None);
        }

        var first = await storage.Orders.ListByUserAsync("user-1", null, 3, CancellationToken.None);
        var second = await storage.SecondReplicaOrders.ListByUserAsync("user-1", first[^1].Sequence, 3, CancellationToken.None);

        Assert.Equal(ids.AsEnumerable().Reverse(), first.Concat(second).Select(order => order.OrderId));
        Assert.Equal([5L, 4, 3, 2, 1], first.Concat(second).Select(order => order.Lines.Single().Quantity));
        Assert.Empty(await storage.Orders.ListByUserAsync("user-3", null, 3, CancellationToken.None));
    }

    [ContractFact]
    public async Task ListPendingCreatedBeforeAsync_OnlyPendingOlderThanCutoff_OldestFirst()
    {
        await using var storage = await CreateHarnessAsync();
        var newer = NewOrder("user-1", ("pen", 1)) with { Now = T0.AddMinutes(2) };
        var oldest = NewOrder("user-1", ("pen", 1)) with { Now = T0 };
        var settled = NewOrder("user-1", ("pen", 1)) with { Now = T0 };
        var older = NewOrder("user-1", ("pen", 1)) with { Now = T0.AddMinutes(1) };
        foreach (var order in new[] { newer, oldest, settled, older })
        {
            await storage.Orders.ClaimAsync(order, CancellationToken.None);
        }

        await storage.Orders.ConfirmAsync(settled.OrderId, T0);

        var pending = await storage.Orders.ListPendingCreatedBeforeAsync(T0.AddSeconds(90), 10, CancellationToken.None);

        Assert.Equal([oldest.OrderId, older.OrderId], pending.Select(order => order.OrderId));
    }

    [ContractFact]
    public async Task FindAsync_UnknownOrder_Null()
    {
        await using var storage = await CreateHarnessAsync();

        Assert.Null(await storage.Orders.FindAsync(Guid.NewGuid().ToString(), CancellationToken.None));
    }

    // Three pens at 2.50 and a pad at 19.99, as NewOrder("…", ("pen", 3), ("pad", 1)) asks.
    protected static readonly PricedOrder PenAndPad =
        new("USD", [new PricedLine("pen", "Pen", 3, 250, 750), new PricedLine("pad", "Pad", 1, 1999, 1999)], 2749);

    protected static NewOrder NewOrder(string userId, params (string Sku, long Quantity)[] lines) =>
        new(Guid.NewGuid().ToString(), Guid.NewGuid().ToString(), "hash-" + userId, userId,
            lines.Select(line => new RequestedLine(line.Sku, line.Quantity)).ToList(), T0);

    // Compared as the API shows them: the record's line list compares by reference.
    private static Order Proto(OrderRecord? order) => OrderMapper.ToProto(order ?? throw new InvalidOperationException("no such order"));

    private static async Task<IReadOnlyList<OrderEvent>> EventsAsync(OrdersStorageHarness storage, long after = 0)
    {
        var position = await storage.Log.PositionAsync(CancellationToken.None);
        var stored = await storage.Log.ReadAsync(after, position.Head, 1000, [], CancellationToken.None);
        return stored.Select(OrderEvents.FromStored).ToList();
    }
}

public sealed class SqliteOrderStoreTests : OrderStoreContractTests
{
    protected override async Task<OrdersStorageHarness> CreateHarnessAsync() => await SqliteOrdersStorageHarness.CreateAsync();
}

public sealed class PostgresOrderStoreTests : OrderStoreContractTests, IRequiresPostgres
{
    protected override async Task<OrdersStorageHarness> CreateHarnessAsync() => await PostgresOrdersStorageHarness.CreateAsync();

    // PlaceOrder's writes run while holding the order's row lock: each sends all its statements
    // in one command, then commits (with its event, if any, in the COMMIT's batch).
    [ContractFact]
    public async Task PlaceOrderWrites_OneCommandEachBeforeTheCommit()
    {
        await using var storage = await CreateHarnessAsync();
        var order = NewOrder("user-1", ("pen", 2), ("pad", 1));
        await storage.Orders.FindAsync(order.OrderId, CancellationToken.None); // opens the pool's connection before counting
        var priced = new PricedOrder("EUR", [new PricedLine("pen", "Pen", 2, 150, 300), new PricedLine("pad", "Pad", 1, 200, 200)], 500);

        var claim = await NpgsqlCommands.SentByAsync(() => storage.Orders.ClaimAsync(order, CancellationToken.None));
        var pricing = await NpgsqlCommands.SentByAsync(() => storage.Orders.SavePricingAsync(order.OrderId, priced, T0));
        var confirm = await NpgsqlCommands.SentByAsync(() => storage.Orders.ConfirmAsync(order.OrderId, T0));
        var pricedOrder = NewOrder("user-1", ("pen", 3), ("pad", 1)) with { Priced = PenAndPad };
        var pricedClaim = await NpgsqlCommands.SentByAsync(() => storage.Orders.ClaimAsync(pricedOrder, CancellationToken.None));

        // Six round trips for the three writes: one command each, then its COMMIT.
        Assert.Collection(claim, sql => Assert.StartsWith("INSERT INTO orders", sql, StringComparison.Ordinal));
        Assert.Collection(pricing,
            sql => Assert.StartsWith("SELECT total_minor FROM orders", sql, StringComparison.Ordinal),
            sql => Assert.Contains("COMMIT", sql, StringComparison.Ordinal));
        Assert.Collection(confirm,
            sql => Assert.StartsWith("UPDATE orders", sql, StringComparison.Ordinal),
            sql => Assert.Contains("COMMIT", sql, StringComparison.Ordinal));
        // Claimed already priced: still one command, its ORDER_PLACED in the COMMIT's batch.
        Assert.Collection(pricedClaim,
            sql => Assert.StartsWith("INSERT INTO orders", sql, StringComparison.Ordinal),
            sql => Assert.Contains("COMMIT", sql, StringComparison.Ordinal));
    }
}
