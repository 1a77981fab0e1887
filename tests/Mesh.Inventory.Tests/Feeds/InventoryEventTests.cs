using System.Diagnostics;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Mesh.Inventory.Tests.Support;
using Mesh.Inventory.V1;
using Mesh.Testing;

namespace Mesh.Inventory.Tests.Feeds;

/// <summary>
/// The events each write appends, read back through WatchInventory: one per changed item, of the
/// right type, carrying the item as the call left it — and none for a retry or a refusal.
/// The expiry sweep is off, so a test can move the clock past a hold's TTL.
/// </summary>
public abstract class InventoryEventTests(InventoryHost host)
{
    private readonly InventoryHost _host = host;

    private Timestamp Now => Timestamp.FromDateTimeOffset(_host.Time.GetUtcNow());

    private async Task<Reservation> CommitAsync(string id) =>
        (await _host.Client.CommitReservationAsync(new CommitReservationRequest { ReservationId = id })).Reservation;

    private static AdjustStockRequest Adjust(string sku, long delta) =>
        new() { RequestId = Guid.NewGuid().ToString(), Sku = sku, Delta = delta, Reason = "cycle count" };

    [ContractFact]
    public async Task AnyWrite_TheEventCarriesTheTraceOfTheCallThatMadeIt()
    {
        var sku = InventoryHost.NewSku();
        var head = await _host.HeadAsync();
        ActivityTraceId trace;
        ActivitySpanId callerSpan;
        using (var caller = new Activity("caller").SetIdFormat(ActivityIdFormat.W3C).Start())
        {
            // The client sends the ambient trace context with the call, as the mesh's clients do.
            caller.ActivityTraceFlags = ActivityTraceFlags.Recorded;
            (trace, callerSpan) = (caller.TraceId, caller.SpanId);
            await _host.Client.CreateItemAsync(InventoryHost.ItemRequest(sku, 10));
        }

        await _host.Client.AdjustStockAsync(Adjust(sku, 2));

        var events = await _host.EventsAfterAsync(head, sku);
        Assert.Equal(2, events.Count);
        // The service's own span of the call, in the caller's trace.
        Assert.Matches($"^00-{trace}-[0-9a-f]{{16}}-01$", events[0].TraceParent);
        Assert.DoesNotContain(callerSpan.ToString(), events[0].TraceParent, StringComparison.Ordinal);
        // A call that brought no trace context gets a trace of its own.
        Assert.Matches("^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$", events[1].TraceParent);
        Assert.DoesNotContain(trace.ToString(), events[1].TraceParent, StringComparison.Ordinal);
    }

    [ContractFact]
    public async Task CreateItem_NewSku_AppendsItemCreatedWithTheNewItem()
    {
        var sku = InventoryHost.NewSku();
        var head = await _host.HeadAsync();

        var item = await _host.CreateItemAsync(sku, 10);

        var created = Assert.Single(await _host.EventsAfterAsync(head, sku));
        Assert.Equal(InventoryEventType.ItemCreated, created.Type);
        Assert.Equal(item, created.Item);
        Assert.Equal(0, created.Quantity);
        Assert.Equal(string.Empty, created.ReservationId);
        Assert.Equal(Now, created.OccurTime);
        Assert.Equal(head + 1, created.Sequence);
    }

    [ContractFact]
    public async Task CreateItem_IdenticalRetryOrConflict_AppendsNothing()
    {
        var sku = InventoryHost.NewSku();
        await _host.CreateItemAsync(sku, 10);
        var head = await _host.HeadAsync();

        await _host.CreateItemAsync(sku, 10);
        await RpcAssert.FailsAsync(StatusCode.AlreadyExists, () => _host.Client.CreateItemAsync(InventoryHost.ItemRequest(sku, 11)).ResponseAsync);

        Assert.Empty(await _host.EventsAfterAsync(head, sku));
        Assert.Equal(head, await _host.HeadAsync());
    }

    [ContractFact]
    public async Task AdjustStock_Applied_AppendsStockAdjustedWithDeltaOnceEvenWhenRetried()
    {
        var sku = InventoryHost.NewSku();
        await _host.CreateItemAsync(sku, 10);
        var head = await _host.HeadAsync();
        var request = Adjust(sku, -3);

        var item = (await _host.Client.AdjustStockAsync(request)).Item;
        await _host.Client.AdjustStockAsync(request);

        var adjusted = Assert.Single(await _host.EventsAfterAsync(head, sku));
        Assert.Equal(InventoryEventType.StockAdjusted, adjusted.Type);
        Assert.Equal(-3, adjusted.Quantity);
        Assert.Equal(item, adjusted.Item);
        Assert.Equal(7, adjusted.Item.AvailableQuantity);
        Assert.Equal(Now, adjusted.OccurTime);
    }

    [ContractFact]
    public async Task AdjustStock_Refused_AppendsNothing()
    {
        var sku = InventoryHost.NewSku();
        await _host.CreateItemAsync(sku, 2);
        var reused = Adjust(sku, 1);
        await _host.Client.AdjustStockAsync(reused);
        var head = await _host.HeadAsync();

        await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, () => _host.Client.AdjustStockAsync(Adjust(sku, -4)).ResponseAsync);
        await RpcAssert.FailsAsync(StatusCode.AlreadyExists, () => _host.Client.AdjustStockAsync(new AdjustStockRequest(reused) { Delta = 2 }).ResponseAsync);
        await RpcAssert.FailsAsync(StatusCode.NotFound, () => _host.Client.AdjustStockAsync(Adjust(InventoryHost.NewSku(), 1)).ResponseAsync);

        Assert.Equal(head, await _host.HeadAsync());
    }

    [ContractFact]
    public async Task ReserveStock_TwoLines_AppendsOneStockReservedPerSkuInLineOrderOnceEvenWhenRetried()
    {
        var first = InventoryHost.NewSku();
        var second = InventoryHost.NewSku();
        await _host.CreateItemAsync(first, 10);
        await _host.CreateItemAsync(second, 5);
        var head = await _host.HeadAsync();
        var id = "order:" + Guid.NewGuid();

        await _host.ReserveAsync(id, (second, 2), (first, 4));
        await _host.ReserveAsync(id, (second, 2), (first, 4));

        var events = await _host.EventsAfterAsync(head);
        Assert.Equal([head + 1, head + 2], events.Select(e => e.Sequence));
        Assert.All(events, e => Assert.Equal(InventoryEventType.StockReserved, e.Type));
        Assert.All(events, e => Assert.Equal(id, e.ReservationId));
        Assert.Equal([(second, 2L, 3L, 2L), (first, 4L, 6L, 4L)],
            events.Select(e => (e.Item.Sku, e.Quantity, e.Item.AvailableQuantity, e.Item.ReservedQuantity)));
        Assert.Equal(await _host.GetItemAsync(first), events[1].Item);
    }

    [ContractFact]
    public async Task ReserveStock_OneLineShort_AppendsNothingForAnyLine()
    {
        var plenty = InventoryHost.NewSku();
        var scarce = InventoryHost.NewSku();
        await _host.CreateItemAsync(plenty, 10);
        await _host.CreateItemAsync(scarce, 1);
        var head = await _host.HeadAsync();

        await RpcAssert.FailsAsync(StatusCode.FailedPrecondition,
            () => _host.Client.ReserveStockAsync(InventoryHost.ReserveRequest("order:" + Guid.NewGuid(), (plenty, 1), (scarce, 2))).ResponseAsync);

        Assert.Equal(head, await _host.HeadAsync());
    }

    [ContractFact]
    public async Task CommitReservation_Held_AppendsReservationCommittedPerSkuOnceEvenWhenRetried()
    {
        var first = InventoryHost.NewSku();
        var second = InventoryHost.NewSku();
        await _host.CreateItemAsync(first, 10);
        await _host.CreateItemAsync(second, 10);
        var id = "order:" + Guid.NewGuid();
        await _host.ReserveAsync(id, (first, 4), (second, 1));
        var head = await _host.HeadAsync();

        await CommitAsync(id);
        await CommitAsync(id);

        var events = await _host.EventsAfterAsync(head);
        Assert.All(events, e => Assert.Equal((InventoryEventType.ReservationCommitted, id), (e.Type, e.ReservationId)));
        // Sold units leave both on hand and reserved: availability does not move.
        Assert.Equal([(first, 4L, 6L, 0L), (second, 1L, 9L, 0L)],
            events.Select(e => (e.Item.Sku, e.Quantity, e.Item.AvailableQuantity, e.Item.ReservedQuantity)));
        Assert.Equal(await _host.GetItemAsync(second), events[1].Item);
    }

    [ContractFact]
    public async Task ReleaseReservation_Held_AppendsReservationReleasedOnceEvenWhenRetried()
    {
        var sku = InventoryHost.NewSku();
        await _host.CreateItemAsync(sku, 10);
        var id = "order:" + Guid.NewGuid();
        await _host.ReserveAsync(id, (sku, 4));
        var head = await _host.HeadAsync();

        await _host.Client.ReleaseReservationAsync(new ReleaseReservationRequest { ReservationId = id });
        await _host.Client.ReleaseReservationAsync(new ReleaseReservationRequest { ReservationId = id });

        var released = Assert.Single(await _host.EventsAfterAsync(head));
        Assert.Equal((InventoryEventType.ReservationReleased, id, 4L), (released.Type, released.ReservationId, released.Quantity));
        Assert.Equal((10L, 0L), (released.Item.AvailableQuantity, released.Item.ReservedQuantity));
    }

    [ContractFact]
    public async Task ReleaseReservation_Committed_FailsAndAppendsNothing()
    {
        var sku = InventoryHost.NewSku();
        await _host.CreateItemAsync(sku, 10);
        var id = "order:" + Guid.NewGuid();
        await _host.ReserveAsync(id, (sku, 4));
        await CommitAsync(id);
        var head = await _host.HeadAsync();

        await RpcAssert.FailsAsync(StatusCode.FailedPrecondition,
            () => _host.Client.ReleaseReservationAsync(new ReleaseReservationRequest { ReservationId = id }).ResponseAsync);

        Assert.Equal(head, await _host.HeadAsync());
    }

    [ContractFact]
    public async Task CommitReservation_OverdueHold_FailsButAppendsReservationExpired()
    {
        var sku = InventoryHost.NewSku();
        await _host.CreateItemAsync(sku, 10);
        var id = "order:" + Guid.NewGuid();
        await _host.ReserveAsync(id, (sku, 4));
        var head = await _host.HeadAsync();
        _host.Time.Advance(TimeSpan.FromMinutes(5));

        await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, () => CommitAsync(id));

        // The expiry happened and was stored, so it is announced even though the call failed.
        var expired = Assert.Single(await _host.EventsAfterAsync(head));
        Assert.Equal((InventoryEventType.ReservationExpired, id, 4L), (expired.Type, expired.ReservationId, expired.Quantity));
        Assert.Equal((10L, 0L), (expired.Item.AvailableQuantity, expired.Item.ReservedQuantity));
        Assert.Equal(Now, expired.OccurTime);
    }

    [ContractFact]
    public async Task AdjustStock_OverdueHoldOnSku_AppendsExpiredThenAdjustedInApplyOrder()
    {
        var sku = InventoryHost.NewSku();
        await _host.CreateItemAsync(sku, 5);
        var id = "order:" + Guid.NewGuid();
        await _host.ReserveAsync(id, (sku, 5));
        var head = await _host.HeadAsync();
        _host.Time.Advance(TimeSpan.FromMinutes(5));

        await _host.Client.AdjustStockAsync(Adjust(sku, -5));

        var events = await _host.EventsAfterAsync(head, sku);
        Assert.Equal([InventoryEventType.ReservationExpired, InventoryEventType.StockAdjusted], events.Select(e => e.Type));
        Assert.Equal((5L, 0L), (events[0].Item.AvailableQuantity, events[0].Item.ReservedQuantity));
        Assert.Equal((0L, 0L), (events[1].Item.AvailableQuantity, events[1].Item.ReservedQuantity));
    }

    [ContractFact]
    public async Task ReserveStock_RetryOfOverdueHold_AppendsOnlyItsExpiry()
    {
        var sku = InventoryHost.NewSku();
        await _host.CreateItemAsync(sku, 5);
        var id = "order:" + Guid.NewGuid();
        await _host.ReserveAsync(id, (sku, 2));
        var head = await _host.HeadAsync();
        _host.Time.Advance(TimeSpan.FromMinutes(5));

        await _host.ReserveAsync(id, (sku, 2));

        var expired = Assert.Single(await _host.EventsAfterAsync(head));
        Assert.Equal((InventoryEventType.ReservationExpired, id), (expired.Type, expired.ReservationId));
    }
}

public sealed class SqliteInventoryEventTests(NoSweepHostFixture fixture) : InventoryEventTests(fixture.Host), IClassFixture<NoSweepHostFixture>;

public sealed class PostgresInventoryEventTests(PostgresNoSweepHostFixture fixture) : InventoryEventTests(fixture.Host), IClassFixture<PostgresNoSweepHostFixture>, IRequiresPostgres;
