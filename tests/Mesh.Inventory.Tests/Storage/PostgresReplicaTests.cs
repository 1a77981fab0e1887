using System.Diagnostics;
using Mesh.Inventory.Domain;
using Mesh.Inventory.Storage;
using Mesh.Inventory.Tests.Support;
using Mesh.Inventory.V1;

namespace Mesh.Inventory.Tests.Storage;

/// <summary>
/// Two replicas — two pairs of stores on two <c>PostgresDatabase</c> objects, so two connection
/// pools — on one database, racing each other: the guarantees of the single SQLite process must
/// hold across them.
/// </summary>
public sealed class PostgresReplicaTests
{
    private static readonly TimeSpan Ttl = TimeSpan.FromMinutes(15);

    private static async Task<(PostgresInventoryStoreHarness Harness, PostgresInventoryReplica A, PostgresInventoryReplica B)> TwoReplicasAsync()
    {
        var harness = await PostgresInventoryStoreHarness.CreateAsync();
        var first = harness.Replicas[0];
        var second = await harness.AddReplicaAsync();
        return (harness, first, second);
    }

    private static ItemDefinition Definition(string sku, long quantity) => new(sku, "Widget", "EUR", 1250, quantity);

    private static async Task<ItemRecord> ItemAsync(PostgresInventoryReplica replica, string sku) =>
        await replica.Items.GetItemAsync(sku, CancellationToken.None) ?? throw new InvalidOperationException($"no item {sku}");

    [PostgresFact]
    public async Task ReserveStock_FortyRacingSingleUnitsOverTwoReplicas_ExactlyFiveHeld()
    {
        var (harness, a, b) = await TwoReplicasAsync();
        await using var owned = harness;
        await a.Items.CreateItemAsync(Definition("LAST", 5), CancellationToken.None);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 40).Select(index =>
            (index % 2 == 0 ? a : b).Reservations.ReserveStockAsync($"r-{index}", [new("LAST", 1)], Ttl, commit: false, CancellationToken.None)));

        var held = outcomes.OfType<ReserveStockOutcome.Reserved>().Select(h => h.Reservation.ReservationId).ToList();
        Assert.Equal(5, held.Count);
        Assert.Equal(35, outcomes.OfType<ReserveStockOutcome.Insufficient>().Count());
        var item = await ItemAsync(b, "LAST");
        Assert.Equal((5L, 5L, 0L), (item.OnHand, item.Reserved, item.Available));
        var reserved = (await harness.Log.EventsAsync("LAST")).Where(e => e.Type == InventoryEventType.StockReserved).ToList();
        Assert.Equal(held.Order(StringComparer.Ordinal), reserved.Select(e => e.ReservationId).Order(StringComparer.Ordinal));
        // Each event carries the item right after its hold: together they count 4, 3, 2, 1, 0 available.
        Assert.Equal([4L, 3L, 2L, 1L, 0L], reserved.Select(e => e.Item.AvailableQuantity));
    }

    [PostgresFact]
    public async Task ReserveStock_SameIdOnBothReplicasAtOnce_OneReservationEachTime()
    {
        var (harness, a, b) = await TwoReplicasAsync();
        await using var owned = harness;
        await a.Items.CreateItemAsync(Definition("SKU", 100), CancellationToken.None);

        for (var round = 0; round < 20; round++)
        {
            var id = $"r-{round}";
            var outcomes = await Task.WhenAll(
                a.Reservations.ReserveStockAsync(id, [new("SKU", 2)], Ttl, commit: false, CancellationToken.None),
                b.Reservations.ReserveStockAsync(id, [new("SKU", 2)], Ttl, commit: false, CancellationToken.None));

            Assert.Single(outcomes.OfType<ReserveStockOutcome.Reserved>());
            Assert.Single(outcomes.OfType<ReserveStockOutcome.AlreadyReserved>());
        }

        Assert.Equal(40, (await ItemAsync(a, "SKU")).Reserved);
        Assert.Equal(20, (await harness.Log.EventsAsync("SKU")).Count(e => e.Type == InventoryEventType.StockReserved));
    }

    [PostgresFact]
    public async Task ReserveStock_SameIdForDifferentSkusOnBothReplicas_OneHeldOtherRefusedAsReused()
    {
        var (harness, a, b) = await TwoReplicasAsync();
        await using var owned = harness;
        await a.Items.CreateItemAsync(Definition("P", 100), CancellationToken.None);
        await a.Items.CreateItemAsync(Definition("Q", 100), CancellationToken.None);

        // No item row is shared, so only the reservation id's own lock keeps this from a duplicate key.
        for (var round = 0; round < 20; round++)
        {
            var outcomes = await Task.WhenAll(
                a.Reservations.ReserveStockAsync($"r-{round}", [new("P", 1)], Ttl, commit: false, CancellationToken.None),
                b.Reservations.ReserveStockAsync($"r-{round}", [new("Q", 1)], Ttl, commit: false, CancellationToken.None));

            Assert.Single(outcomes.OfType<ReserveStockOutcome.Reserved>());
            Assert.Single(outcomes.OfType<ReserveStockOutcome.RequestIdReused>());
        }

        Assert.Equal(20, (await ItemAsync(a, "P")).Reserved + (await ItemAsync(a, "Q")).Reserved);
    }

    [PostgresFact]
    public async Task AdjustStockAndCreateItem_SameRequestOnBothReplicasAtOnce_OneEffectEachTime()
    {
        var (harness, a, b) = await TwoReplicasAsync();
        await using var owned = harness;
        await a.Items.CreateItemAsync(Definition("SKU", 0), CancellationToken.None);

        for (var round = 0; round < 20; round++)
        {
            var adjustment = new StockAdjustment(Guid.NewGuid().ToString(), "SKU", 3, "delivery");
            var adjusted = await Task.WhenAll(
                a.Items.AdjustStockAsync(adjustment, CancellationToken.None), b.Items.AdjustStockAsync(adjustment, CancellationToken.None));
            var created = await Task.WhenAll(
                a.Items.CreateItemAsync(Definition($"NEW-{round}", 1), CancellationToken.None),
                b.Items.CreateItemAsync(Definition($"NEW-{round}", 1), CancellationToken.None));

            Assert.Single(adjusted.OfType<AdjustStockOutcome.Applied>());
            Assert.Single(adjusted.OfType<AdjustStockOutcome.AlreadyApplied>());
            Assert.Single(created.OfType<CreateItemOutcome.Created>());
            Assert.Single(created.OfType<CreateItemOutcome.AlreadyCreated>());
        }

        Assert.Equal(60, (await ItemAsync(b, "SKU")).OnHand);
        var events = await harness.Log.EventsAsync();
        Assert.Equal(20, events.Count(e => e.Type == InventoryEventType.StockAdjusted));
        Assert.Equal(21, events.Count(e => e.Type == InventoryEventType.ItemCreated));
    }

    [PostgresFact]
    public async Task CommitAndRelease_RacingOnTwoReplicas_ExactlyOneTransitionPerHold()
    {
        var (harness, a, b) = await TwoReplicasAsync();
        await using var owned = harness;
        await a.Items.CreateItemAsync(Definition("SKU", 100), CancellationToken.None);
        for (var index = 0; index < 20; index++)
        {
            await a.Reservations.ReserveStockAsync($"r-{index}", [new("SKU", 2)], Ttl, commit: false, CancellationToken.None);
        }

        // Commit races release, and half of the holds also get a second commit on the other replica.
        var changes = await Task.WhenAll(Enumerable.Range(0, 20).SelectMany(index => new[]
        {
            a.Reservations.CommitReservationAsync($"r-{index}", CancellationToken.None),
            b.Reservations.ReleaseReservationAsync($"r-{index}", CancellationToken.None),
            (index % 2 == 0 ? b : a).Reservations.CommitReservationAsync($"r-{index}", CancellationToken.None),
        }));

        var transitions = changes.Select(c => c!).Where(c => c.Changed).ToList();
        Assert.Equal(20, transitions.Count);
        Assert.Equal(20, transitions.Select(c => c.Reservation.ReservationId).Distinct().Count());
        var committed = transitions.Count(c => c.Reservation.Status == ReservationStatus.Committed);
        var item = await ItemAsync(b, "SKU");
        Assert.Equal((100L - (2 * committed), 0L), (item.OnHand, item.Reserved));
        var settled = (await harness.Log.EventsAsync("SKU")).Where(e => e.Type is InventoryEventType.ReservationCommitted or InventoryEventType.ReservationReleased).ToList();
        Assert.Equal(20, settled.Select(e => e.ReservationId).Distinct().Count());
        Assert.Equal(committed, settled.Count(e => e.Type == InventoryEventType.ReservationCommitted));
        Assert.Equal(20, settled.Count);
    }

    [PostgresFact]
    public async Task ExpireDue_RunByBothReplicasAndTheService_ReleasesEachHoldOnce()
    {
        var (harness, a, b) = await TwoReplicasAsync();
        await using var owned = harness;
        await a.Items.CreateItemAsync(Definition("X", 100), CancellationToken.None);
        await a.Items.CreateItemAsync(Definition("Y", 100), CancellationToken.None);
        for (var index = 0; index < 60; index++)
        {
            await (index % 2 == 0 ? a : b).Reservations.ReserveStockAsync($"r-{index}", [new("X", 1), new("Y", 1)], Ttl, commit: false, CancellationToken.None);
        }

        using var service = new InventoryHost(configure: factory => factory
            .WithPostgres(harness.ConnectionString)
            .WithSetting("Mesh:Inventory:ExpirySweepInterval", "00:00:00.020"));
        await service.GetItemAsync("X"); // the service is up and sweeping (nothing is due on its clock yet)
        harness.Time.Advance(Ttl);
        service.Time.Advance(Ttl);

        var expiredByReplicas = await Task.WhenAll(SweepUntilDoneAsync(a), SweepUntilDoneAsync(b));

        Assert.Empty(expiredByReplicas[0].Intersect(expiredByReplicas[1]));
        // SKIP LOCKED: a sweep can finish while the service's last batch is still committing.
        Assert.True(await NothingHeldAsync(a, TimeSpan.FromSeconds(10)), "holds were left behind");
        foreach (var sku in new[] { "X", "Y" })
        {
            var item = await ItemAsync(a, sku);
            Assert.Equal((100L, 0L), (item.OnHand, item.Reserved));
            var expired = (await harness.Log.EventsAsync(sku)).Where(e => e.Type == InventoryEventType.ReservationExpired).ToList();
            Assert.Equal(60, expired.Count);
            Assert.Equal(60, expired.Select(e => e.ReservationId).Distinct().Count());
            Assert.Equal(Enumerable.Range(1, 60).Select(n => (long)n), expired.Select(e => e.Item.AvailableQuantity - 40));
        }
    }

    [PostgresFact]
    public async Task WatchInventory_ChangeWrittenViaReplicaA_ReachesSubscriberOnReplicaBWithinFiveSeconds()
    {
        await using var harness = await PostgresInventoryStoreHarness.CreateAsync();
        // The heartbeat (the polling fallback) is far longer than the wait: only NOTIFY can deliver in time.
        using var replicaB = new InventoryHost(configure: factory => factory
            .WithPostgres(harness.ConnectionString)
            .WithSetting("Mesh:Feeds:HeartbeatInterval", "00:01:00"));
        using var reader = replicaB.Watch(0);
        await reader.ReadToNextHeartbeatAsync();
        await Task.Delay(500); // let replica B's LISTEN connection start

        for (var index = 0; index < 3; index++)
        {
            var stopwatch = Stopwatch.StartNew();
            await harness.Items.CreateItemAsync(Definition($"A-{index}", 1), CancellationToken.None);
            await reader.ReadUntilAsync(r => r.Events.Count == index + 1);

            Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5), $"event {index + 1} took {stopwatch.Elapsed} to reach replica B");
            Assert.Equal((InventoryEventType.ItemCreated, $"A-{index}"), (reader.Events[index].Type, reader.Events[index].Item.Sku));
        }
    }

    private static async Task<bool> NothingHeldAsync(PostgresInventoryReplica replica, TimeSpan maxWait)
    {
        var deadline = DateTime.UtcNow + maxWait;
        while (DateTime.UtcNow < deadline)
        {
            if ((await ItemAsync(replica, "X")).Reserved == 0 && (await ItemAsync(replica, "Y")).Reserved == 0)
            {
                return true;
            }

            await Task.Delay(25);
        }

        return false;
    }

    /// <summary>Sweeps in small batches until nothing is due; returns what this replica expired.</summary>
    private static async Task<IReadOnlyList<string>> SweepUntilDoneAsync(PostgresInventoryReplica replica)
    {
        var expired = new List<string>();
        IReadOnlyList<string> batch;
        do
        {
            batch = await replica.Reservations.ExpireDueReservationsAsync(7, CancellationToken.None);
            expired.AddRange(batch);
        }
        while (batch.Count > 0);

        return expired;
    }
}
