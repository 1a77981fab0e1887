using Mesh.Inventory.Domain;
using Mesh.Inventory.Tests.Support;
using Mesh.Inventory.V1;

namespace Mesh.Inventory.Tests.Storage;

/// <summary>
/// The inventory stores' contract, written once and run against every provider (the derived
/// classes at the bottom), so SQLite and PostgreSQL decide and announce exactly alike.
/// </summary>
public abstract class InventoryStoreContractTests
{
    private static readonly TimeSpan Ttl = TimeSpan.FromMinutes(15);

    protected abstract Task<IInventoryStoreHarness> CreateHarnessAsync();

    private static ItemDefinition Definition(string sku, long quantity = 10, long price = 1250) => new(sku, "Widget", "EUR", price, quantity);

    private static StockAdjustment Adjustment(string sku, long delta, string? requestId = null) =>
        new(requestId ?? Guid.NewGuid().ToString(), sku, delta, "count");

    private static async Task<ItemRecord> CreateAsync(IInventoryStoreHarness harness, string sku, long quantity = 10) =>
        Assert.IsType<CreateItemOutcome.Created>(await harness.Items.CreateItemAsync(Definition(sku, quantity), CancellationToken.None)).Item;

    private static async Task<ReservationRecord> ReserveAsync(IInventoryStoreHarness harness, string id, params ReservationLineRecord[] lines) =>
        Assert.IsType<ReserveStockOutcome.Reserved>(await harness.Reservations.ReserveStockAsync(id, lines, Ttl, commit: false, CancellationToken.None)).Reservation;

    private static async Task<ItemRecord> ItemAsync(IInventoryStoreHarness harness, string sku) =>
        await harness.Items.GetItemAsync(sku, CancellationToken.None) ?? throw new InvalidOperationException($"no item {sku}");

    [ContractFact]
    public async Task CreateItemAsync_NewSku_StoresItemAndAnnouncesIt()
    {
        await using var harness = await CreateHarnessAsync();

        var item = await CreateAsync(harness, "A-1", 7);

        Assert.Equal(new ItemRecord("A-1", "Widget", "EUR", 1250, 7, 7, 0, InventoryHost.Start, InventoryHost.Start), item);
        Assert.Equal(item, await harness.Items.GetItemAsync("A-1", CancellationToken.None));
        var announced = Assert.Single(await harness.Log.EventsAsync());
        Assert.Equal((InventoryEventType.ItemCreated, "A-1", 7L), (announced.Type, announced.Item.Sku, announced.Item.AvailableQuantity));
    }

    [ContractFact]
    public async Task CreateItemAsync_RetryAfterUpdate_AlreadyCreatedAndDifferentDefinitionConflicts()
    {
        await using var harness = await CreateHarnessAsync();
        await CreateAsync(harness, "A-1");
        await harness.Items.UpdateItemAsync(new ItemUpdate("A-1", "Renamed", null, 99), CancellationToken.None);

        var retry = await harness.Items.CreateItemAsync(Definition("A-1"), CancellationToken.None);
        var conflict = await harness.Items.CreateItemAsync(Definition("A-1", quantity: 11), CancellationToken.None);

        Assert.Equal("Renamed", Assert.IsType<CreateItemOutcome.AlreadyCreated>(retry).Item.Name);
        Assert.IsType<CreateItemOutcome.Conflict>(conflict);
        Assert.Equal(2, (await harness.Log.EventsAsync()).Count);
    }

    [ContractFact]
    public async Task ListItemsAsync_FromCursor_ReturnsOrdinalSkuOrder()
    {
        await using var harness = await CreateHarnessAsync();
        foreach (var sku in new[] { "b-2", "B-1", "a-9", "_x", "A-0" })
        {
            await CreateAsync(harness, sku);
        }

        var first = await harness.Items.ListItemsAsync(null, 3, CancellationToken.None);
        var rest = await harness.Items.ListItemsAsync(first[^1].Sku, 10, CancellationToken.None);

        Assert.Equal(["A-0", "B-1", "_x"], first.Select(item => item.Sku));
        Assert.Equal(["a-9", "b-2"], rest.Select(item => item.Sku));
    }

    [ContractFact]
    public async Task GetItemsAsync_SomeMissing_ReturnsOnlyExistingBySku()
    {
        await using var harness = await CreateHarnessAsync();
        await CreateAsync(harness, "A-1");
        await CreateAsync(harness, "A-2");

        var found = await harness.Items.GetItemsAsync(["A-2", "nope", "A-1"], CancellationToken.None);

        Assert.Equal(["A-1", "A-2"], found.Keys.Order(StringComparer.Ordinal));
        Assert.Null(await harness.Items.GetItemAsync("nope", CancellationToken.None));
    }

    [ContractFact]
    public async Task UpdateItemAsync_ChangeThenSameValues_UpdatesOnceAndAnnouncesOnce()
    {
        await using var harness = await CreateHarnessAsync();
        await CreateAsync(harness, "A-1");
        harness.Time.Advance(TimeSpan.FromSeconds(5));
        var update = new ItemUpdate("A-1", "Gadget", "USD", 300);

        var updated = Assert.IsType<UpdateItemOutcome.Updated>(await harness.Items.UpdateItemAsync(update, CancellationToken.None)).Item;
        var again = await harness.Items.UpdateItemAsync(update, CancellationToken.None);
        var missing = await harness.Items.UpdateItemAsync(update with { Sku = "nope" }, CancellationToken.None);

        Assert.Equal(("Gadget", "USD", 300L, InventoryHost.Start.AddSeconds(5)), (updated.Name, updated.CurrencyCode, updated.UnitPriceMinor, updated.UpdateTime));
        Assert.Equal(updated, Assert.IsType<UpdateItemOutcome.Unchanged>(again).Item);
        Assert.IsType<UpdateItemOutcome.ItemNotFound>(missing);
        Assert.Equal([InventoryEventType.ItemCreated, InventoryEventType.ItemUpdated], (await harness.Log.EventsAsync()).Select(e => e.Type));
    }

    [ContractFact]
    public async Task AdjustStockAsync_AppliedThenRetriedThenReused_AppliesOnce()
    {
        await using var harness = await CreateHarnessAsync();
        await CreateAsync(harness, "A-1");
        var adjustment = Adjustment("A-1", 5);

        var applied = await harness.Items.AdjustStockAsync(adjustment, CancellationToken.None);
        var retry = await harness.Items.AdjustStockAsync(adjustment, CancellationToken.None);
        var reused = await harness.Items.AdjustStockAsync(adjustment with { Delta = 6 }, CancellationToken.None);

        Assert.Equal(15, Assert.IsType<AdjustStockOutcome.Applied>(applied).Item.OnHand);
        Assert.Equal(15, Assert.IsType<AdjustStockOutcome.AlreadyApplied>(retry).Item.OnHand);
        Assert.IsType<AdjustStockOutcome.RequestIdReused>(reused);
        var announced = (await harness.Log.EventsAsync()).Where(e => e.Type == InventoryEventType.StockAdjusted).ToList();
        Assert.Equal(5, Assert.Single(announced).Quantity);
    }

    [ContractFact]
    public async Task AdjustStockAsync_RemovingHeldOrMissingStock_RefusedAndNothingStored()
    {
        await using var harness = await CreateHarnessAsync();
        await CreateAsync(harness, "A-1");
        await ReserveAsync(harness, "r-1", new ReservationLineRecord("A-1", 8));

        var shortage = await harness.Items.AdjustStockAsync(Adjustment("A-1", -3), CancellationToken.None);
        var missing = await harness.Items.AdjustStockAsync(Adjustment("nope", 1), CancellationToken.None);

        Assert.Equal(new StockShortage("A-1", 3, 2), Assert.IsType<AdjustStockOutcome.Insufficient>(shortage).Shortage);
        Assert.IsType<AdjustStockOutcome.ItemNotFound>(missing);
        Assert.Equal((10L, 8L), ((await ItemAsync(harness, "A-1")).OnHand, (await ItemAsync(harness, "A-1")).Reserved));
        Assert.Equal(2, (await harness.Log.EventsAsync()).Count);
    }

    [ContractFact]
    public async Task ReserveStockAsync_TwoLines_HoldsBothAndAnnouncesOnePerLineInOrder()
    {
        await using var harness = await CreateHarnessAsync();
        await CreateAsync(harness, "A-1");
        await CreateAsync(harness, "A-2");
        var after = (await harness.Log.PositionAsync(CancellationToken.None)).Head;

        var held = await ReserveAsync(harness, "r-1", new ReservationLineRecord("A-2", 3), new ReservationLineRecord("A-1", 4));

        Assert.Equal((ReservationStatus.Held, InventoryHost.Start + Ttl), (held.Status, held.ExpireTime));
        Assert.Equal([new ReservationLineRecord("A-2", 3), new ReservationLineRecord("A-1", 4)], held.Lines);
        var announced = (await harness.Log.EventsAsync()).Where(e => e.Sequence > after).ToList();
        Assert.Equal([("A-2", 3L, 7L), ("A-1", 4L, 6L)], announced.Select(e => (e.Item.Sku, e.Quantity, e.Item.AvailableQuantity)));
        Assert.All(announced, e => Assert.Equal((InventoryEventType.StockReserved, "r-1"), (e.Type, e.ReservationId)));
    }

    [ContractFact]
    public async Task ReserveStockAsync_Commit_SellsInTheSameTransactionAndAnnouncesHoldThenCommit()
    {
        await using var harness = await CreateHarnessAsync();
        await CreateAsync(harness, "A-1");
        await CreateAsync(harness, "A-2");
        var after = (await harness.Log.PositionAsync(CancellationToken.None)).Head;

        var outcome = await harness.Reservations.ReserveStockAsync(
            "r-1", [new("A-2", 3), new("A-1", 4)], Ttl, commit: true, CancellationToken.None);

        var sold = Assert.IsType<ReserveStockOutcome.Reserved>(outcome).Reservation;
        Assert.Equal((ReservationStatus.Committed, InventoryHost.Start), (sold.Status, sold.ExpireTime));
        Assert.Equal((6L, 0L), ((await ItemAsync(harness, "A-1")).OnHand, (await ItemAsync(harness, "A-1")).Reserved));
        Assert.Equal((7L, 0L), ((await ItemAsync(harness, "A-2")).OnHand, (await ItemAsync(harness, "A-2")).Reserved));
        var announced = (await harness.Log.EventsAsync()).Where(e => e.Sequence > after).ToList();
        Assert.Equal(
            [
                (InventoryEventType.StockReserved, "A-2", 7L, 3L), (InventoryEventType.StockReserved, "A-1", 6L, 4L),
                (InventoryEventType.ReservationCommitted, "A-2", 7L, 0L), (InventoryEventType.ReservationCommitted, "A-1", 6L, 0L),
            ],
            announced.Select(e => (e.Type, e.Item.Sku, e.Item.AvailableQuantity, e.Item.ReservedQuantity)));
    }

    [ContractFact]
    public async Task ReserveStockAsync_CommitRetryOfAHold_CommitsItOnceAndAnnouncesTheCommit()
    {
        await using var harness = await CreateHarnessAsync();
        await CreateAsync(harness, "A-1");
        await ReserveAsync(harness, "r-1", new ReservationLineRecord("A-1", 3));
        var after = (await harness.Log.PositionAsync(CancellationToken.None)).Head;

        var first = await harness.Reservations.ReserveStockAsync("r-1", [new("A-1", 3)], Ttl, commit: true, CancellationToken.None);
        var again = await harness.Reservations.ReserveStockAsync("r-1", [new("A-1", 3)], Ttl, commit: true, CancellationToken.None);

        Assert.Equal(ReservationStatus.Committed, Assert.IsType<ReserveStockOutcome.AlreadyReserved>(first).Reservation.Status);
        Assert.Equal(ReservationStatus.Committed, Assert.IsType<ReserveStockOutcome.AlreadyReserved>(again).Reservation.Status);
        Assert.Equal((7L, 0L), ((await ItemAsync(harness, "A-1")).OnHand, (await ItemAsync(harness, "A-1")).Reserved));
        var announced = (await harness.Log.EventsAsync()).Where(e => e.Sequence > after).ToList();
        Assert.Equal((InventoryEventType.ReservationCommitted, "r-1"), (Assert.Single(announced).Type, announced[0].ReservationId));
    }

    [ContractFact]
    public async Task ReserveStockAsync_RetryReusedUnknownOrShort_HoldsNothingMore()
    {
        await using var harness = await CreateHarnessAsync();
        await CreateAsync(harness, "A-1", 5);
        var held = await ReserveAsync(harness, "r-1", new ReservationLineRecord("A-1", 2));

        var retry = await harness.Reservations.ReserveStockAsync("r-1", [new("A-1", 2)], Ttl, commit: false, CancellationToken.None);
        var reused = await harness.Reservations.ReserveStockAsync("r-1", [new("A-1", 3)], Ttl, commit: false, CancellationToken.None);
        var unknown = await harness.Reservations.ReserveStockAsync("r-2", [new("A-1", 1), new("nope", 1)], Ttl, commit: false, CancellationToken.None);
        var shortage = await harness.Reservations.ReserveStockAsync("r-3", [new("A-1", 4)], Ttl, commit: false, CancellationToken.None);

        var replayed = Assert.IsType<ReserveStockOutcome.AlreadyReserved>(retry).Reservation;
        Assert.Equal((held.Status, held.ExpireTime), (replayed.Status, replayed.ExpireTime));
        Assert.Equal(held.Lines, replayed.Lines);
        Assert.IsType<ReserveStockOutcome.RequestIdReused>(reused);
        Assert.Equal(new ReserveStockOutcome.UnknownSku(1, "nope"), unknown);
        Assert.Equal([new StockShortage("A-1", 4, 3)], Assert.IsType<ReserveStockOutcome.Insufficient>(shortage).Shortages);
        Assert.Equal(2, (await ItemAsync(harness, "A-1")).Reserved);
        Assert.Equal(2, (await harness.Log.EventsAsync()).Count);
    }

    [ContractFact]
    public async Task GetItemAsync_ReadBeforeAndAfterEveryKindOfWrite_SeesEachWrite()
    {
        // On SQLite GetItem reads from memory once it has read an item: every write must reach that copy.
        await using var harness = await CreateHarnessAsync();
        await CreateAsync(harness, "A-1");
        await ItemAsync(harness, "A-1");

        await harness.Items.UpdateItemAsync(new ItemUpdate("A-1", "Renamed", null, 99), CancellationToken.None);
        Assert.Equal(("Renamed", 99L), ((await ItemAsync(harness, "A-1")).Name, (await ItemAsync(harness, "A-1")).UnitPriceMinor));

        await harness.Items.AdjustStockAsync(Adjustment("A-1", 5), CancellationToken.None);
        Assert.Equal(15L, (await ItemAsync(harness, "A-1")).OnHand);

        await ReserveAsync(harness, "r-1", new ReservationLineRecord("A-1", 4));
        Assert.Equal((15L, 4L), ((await ItemAsync(harness, "A-1")).OnHand, (await ItemAsync(harness, "A-1")).Reserved));

        await harness.Reservations.CommitReservationAsync("r-1", CancellationToken.None);
        Assert.Equal((11L, 0L), ((await ItemAsync(harness, "A-1")).OnHand, (await ItemAsync(harness, "A-1")).Reserved));

        await ReserveAsync(harness, "r-2", new ReservationLineRecord("A-1", 3));
        Assert.Equal(3L, (await ItemAsync(harness, "A-1")).Reserved);
        await harness.Reservations.ReleaseReservationAsync("r-2", CancellationToken.None);
        Assert.Equal((11L, 0L), ((await ItemAsync(harness, "A-1")).OnHand, (await ItemAsync(harness, "A-1")).Reserved));

        await ReserveAsync(harness, "r-3", new ReservationLineRecord("A-1", 2));
        Assert.Equal(2L, (await ItemAsync(harness, "A-1")).Reserved);
        harness.Time.Advance(Ttl);
        Assert.Equal(["r-3"], await harness.Reservations.ExpireDueReservationsAsync(10, CancellationToken.None));
        Assert.Equal((11L, 0L), ((await ItemAsync(harness, "A-1")).OnHand, (await ItemAsync(harness, "A-1")).Reserved));
    }

    [ContractFact]
    public async Task CommitReservationAsync_HeldThenAgainThenRelease_CommitsOnce()
    {
        await using var harness = await CreateHarnessAsync();
        await CreateAsync(harness, "A-1");
        await ReserveAsync(harness, "r-1", new ReservationLineRecord("A-1", 4));

        var commit = await harness.Reservations.CommitReservationAsync("r-1", CancellationToken.None);
        var again = await harness.Reservations.CommitReservationAsync("r-1", CancellationToken.None);
        var release = await harness.Reservations.ReleaseReservationAsync("r-1", CancellationToken.None);

        Assert.True(commit is { Changed: true, Reservation.Status: ReservationStatus.Committed });
        Assert.True(again is { Changed: false, Reservation.Status: ReservationStatus.Committed });
        Assert.True(release is { Changed: false, Reservation.Status: ReservationStatus.Committed });
        Assert.Null(await harness.Reservations.CommitReservationAsync("nope", CancellationToken.None));
        var item = await ItemAsync(harness, "A-1");
        Assert.Equal((6L, 0L), (item.OnHand, item.Reserved));
        Assert.Equal(InventoryEventType.ReservationCommitted, (await harness.Log.EventsAsync())[^1].Type);
        Assert.Equal(3, (await harness.Log.EventsAsync()).Count);
    }

    [ContractFact]
    public async Task ReleaseReservationAsync_Held_ReturnsStockOnce()
    {
        await using var harness = await CreateHarnessAsync();
        await CreateAsync(harness, "A-1");
        await ReserveAsync(harness, "r-1", new ReservationLineRecord("A-1", 4));

        var release = await harness.Reservations.ReleaseReservationAsync("r-1", CancellationToken.None);
        var again = await harness.Reservations.ReleaseReservationAsync("r-1", CancellationToken.None);

        Assert.True(release is { Changed: true, Reservation.Status: ReservationStatus.Released });
        Assert.True(again is { Changed: false, Reservation.Status: ReservationStatus.Released });
        Assert.Equal((10L, 0L), ((await ItemAsync(harness, "A-1")).OnHand, (await ItemAsync(harness, "A-1")).Reserved));
        var released = (await harness.Log.EventsAsync())[^1];
        Assert.Equal((InventoryEventType.ReservationReleased, 4L, 10L), (released.Type, released.Quantity, released.Item.AvailableQuantity));
    }

    [ContractFact]
    public async Task CommitReservationAsync_Overdue_ExpiresInsteadOfCommitting()
    {
        await using var harness = await CreateHarnessAsync();
        await CreateAsync(harness, "A-1");
        await ReserveAsync(harness, "r-1", new ReservationLineRecord("A-1", 4));
        harness.Time.Advance(Ttl);

        var commit = await harness.Reservations.CommitReservationAsync("r-1", CancellationToken.None);

        Assert.True(commit is { Changed: true, PreviousStatus: ReservationStatus.Held, Reservation.Status: ReservationStatus.Expired });
        Assert.Equal((10L, 0L), ((await ItemAsync(harness, "A-1")).OnHand, (await ItemAsync(harness, "A-1")).Reserved));
        Assert.Equal(InventoryEventType.ReservationExpired, (await harness.Log.EventsAsync())[^1].Type);
    }

    [ContractFact]
    public async Task ExpireDueReservationsAsync_SeveralOverdue_ExpiresOldestFirstUpToLimit()
    {
        await using var harness = await CreateHarnessAsync();
        await CreateAsync(harness, "A-1");
        await ReserveAsync(harness, "r-late", new ReservationLineRecord("A-1", 1));
        harness.Time.Advance(TimeSpan.FromSeconds(1));
        await ReserveAsync(harness, "r-later", new ReservationLineRecord("A-1", 1));
        harness.Time.Advance(TimeSpan.FromSeconds(1));
        await ReserveAsync(harness, "r-fresh", new ReservationLineRecord("A-1", 1));
        harness.Time.Advance(Ttl - TimeSpan.FromSeconds(1));

        var first = await harness.Reservations.ExpireDueReservationsAsync(1, CancellationToken.None);
        var rest = await harness.Reservations.ExpireDueReservationsAsync(10, CancellationToken.None);

        Assert.Equal(["r-late"], first);
        Assert.Equal(["r-later"], rest);
        Assert.Equal(1, (await ItemAsync(harness, "A-1")).Reserved);
        Assert.Equal(2, (await harness.Log.EventsAsync()).Count(e => e.Type == InventoryEventType.ReservationExpired));
    }

    [ContractFact]
    public async Task ReserveStockAsync_OverdueHoldsOnTheSku_ExpiresThemFirstSoNoShortage()
    {
        await using var harness = await CreateHarnessAsync();
        await CreateAsync(harness, "A-1", 5);
        await CreateAsync(harness, "A-2", 5);
        await ReserveAsync(harness, "r-old", new ReservationLineRecord("A-1", 5), new ReservationLineRecord("A-2", 2));
        harness.Time.Advance(Ttl);

        var held = await ReserveAsync(harness, "r-new", new ReservationLineRecord("A-1", 5));

        Assert.Equal(ReservationStatus.Held, held.Status);
        Assert.Equal(0, (await ItemAsync(harness, "A-2")).Reserved);
        var last = (await harness.Log.EventsAsync()).TakeLast(3).Select(e => (e.Type, e.Item.Sku, e.ReservationId));
        Assert.Equal(
            [(InventoryEventType.ReservationExpired, "A-1", "r-old"), (InventoryEventType.ReservationExpired, "A-2", "r-old"), (InventoryEventType.StockReserved, "A-1", "r-new")],
            last);
    }
}

public sealed class SqliteInventoryStoreContractTests : InventoryStoreContractTests
{
    protected override async Task<IInventoryStoreHarness> CreateHarnessAsync() => await SqliteInventoryStoreHarness.CreateAsync();
}

public sealed class PostgresInventoryStoreContractTests : InventoryStoreContractTests, IRequiresPostgres
{
    protected override async Task<IInventoryStoreHarness> CreateHarnessAsync() => await PostgresInventoryStoreHarness.CreateAsync();
}
