using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Mesh.Inventory.Tests.Support;
using Mesh.Inventory.V1;
using Mesh.Testing;

namespace Mesh.Inventory.Tests.Api;

/// <summary>ReserveStock with <c>commit</c>: a sale in one call, as orders places every order.</summary>
public abstract class ReserveStockCommitTests(InventoryHost host)
{
    private readonly InventoryHost _host = host;

    private static ReserveStockRequest SellRequest(string reservationId, params (string Sku, long Quantity)[] lines)
    {
        var request = InventoryHost.ReserveRequest(reservationId, lines);
        request.Commit = true;
        return request;
    }

    private async Task<Reservation> SellAsync(string reservationId, params (string Sku, long Quantity)[] lines) =>
        (await _host.Client.ReserveStockAsync(SellRequest(reservationId, lines))).Reservation;

    [ContractFact]
    public async Task ReserveStock_Commit_SellsEveryLineAndAnnouncesHoldThenCommitPerSku()
    {
        var mug = InventoryHost.NewSku();
        var tee = InventoryHost.NewSku();
        await _host.CreateItemAsync(mug, 10);
        await _host.CreateItemAsync(tee, 3);
        var id = InventoryHost.NewReservationId();
        var head = await _host.HeadAsync();

        var reservation = await SellAsync(id, (tee, 3), (mug, 4));

        Assert.Equal((id, ReservationState.Committed), (reservation.ReservationId, reservation.State));
        Assert.Equal([(tee, 3L), (mug, 4L)], reservation.Lines.Select(line => (line.Sku, line.Quantity)));
        Assert.Equal(Timestamp.FromDateTimeOffset(_host.Time.GetUtcNow()), reservation.CreateTime);
        // Sold units leave on hand and are not reserved: a sale holds nothing.
        Assert.Equal((6L, 0L), ((await _host.GetItemAsync(mug)).AvailableQuantity, (await _host.GetItemAsync(mug)).ReservedQuantity));
        Assert.Equal((0L, 0L), ((await _host.GetItemAsync(tee)).AvailableQuantity, (await _host.GetItemAsync(tee)).ReservedQuantity));
        // Feed consumers see the same events as for ReserveStock then CommitReservation.
        var events = await _host.EventsAfterAsync(head);
        Assert.Equal(
            [
                (InventoryEventType.StockReserved, tee, 3L, 3L), (InventoryEventType.StockReserved, mug, 4L, 4L),
                (InventoryEventType.ReservationCommitted, tee, 3L, 0L), (InventoryEventType.ReservationCommitted, mug, 4L, 0L),
            ],
            events.Select(e => (e.Type, e.Item.Sku, e.Quantity, e.Item.ReservedQuantity)));
        Assert.All(events, e => Assert.Equal(id, e.ReservationId));
    }

    [ContractFact]
    public async Task ReserveStock_CommitRetried_ReturnsTheSameSaleAndSellsOnce()
    {
        var sku = InventoryHost.NewSku();
        await _host.CreateItemAsync(sku, 10);
        var id = InventoryHost.NewReservationId();
        var first = await SellAsync(id, (sku, 3));
        var before = await _host.SnapshotAsync();
        _host.Time.Advance(TimeSpan.FromMinutes(10));

        var retried = await SellAsync(id, (sku, 3));

        Assert.Equal(first, retried);
        Assert.Equal(before, await _host.SnapshotAsync());
        Assert.Equal(7, (await _host.GetItemAsync(sku)).AvailableQuantity);
    }

    [ContractFact]
    public async Task ReserveStock_CommitRetryOfAHold_CommitsTheHold()
    {
        var sku = InventoryHost.NewSku();
        await _host.CreateItemAsync(sku, 10);
        var id = InventoryHost.NewReservationId();
        var held = await _host.ReserveAsync(id, (sku, 4));

        var sold = await SellAsync(id, (sku, 4));

        Assert.Equal(ReservationState.Committed, sold.State);
        Assert.Equal(held.CreateTime, sold.CreateTime);
        var item = await _host.GetItemAsync(sku);
        Assert.Equal((6L, 0L), (item.AvailableQuantity, item.ReservedQuantity));
    }

    [ContractFact]
    public async Task ReserveStock_CommitRetryOfAnExpiredHold_ReturnsExpiredAndSellsNothing()
    {
        var sku = InventoryHost.NewSku();
        await _host.CreateItemAsync(sku, 10);
        var id = InventoryHost.NewReservationId();
        await _host.ReserveAsync(id, (sku, 4));
        _host.Time.Advance(TimeSpan.FromMinutes(6));

        var reservation = await SellAsync(id, (sku, 4));

        Assert.Equal(ReservationState.Expired, reservation.State);
        var item = await _host.GetItemAsync(sku);
        Assert.Equal((10L, 0L), (item.AvailableQuantity, item.ReservedQuantity));
    }

    [ContractFact]
    public async Task ReserveStock_CommitRetryOfAReleasedHold_ReturnsReleasedAndSellsNothing()
    {
        var sku = InventoryHost.NewSku();
        await _host.CreateItemAsync(sku, 10);
        var id = InventoryHost.NewReservationId();
        await _host.ReserveAsync(id, (sku, 4));
        await _host.Client.ReleaseReservationAsync(new ReleaseReservationRequest { ReservationId = id });

        var reservation = await SellAsync(id, (sku, 4));

        Assert.Equal(ReservationState.Released, reservation.State);
        Assert.Equal(10, (await _host.GetItemAsync(sku)).AvailableQuantity);
    }

    [ContractFact]
    public async Task ReleaseReservation_OfASale_FailsPreconditionAndKeepsItSold()
    {
        var sku = InventoryHost.NewSku();
        await _host.CreateItemAsync(sku, 10);
        var id = InventoryHost.NewReservationId();
        await SellAsync(id, (sku, 2));
        // A sale is never due for expiry, however long it sits.
        _host.Time.Advance(TimeSpan.FromMinutes(20));
        await _host.ReserveAsync(InventoryHost.NewReservationId(), (sku, 1));

        var error = await RpcAssert.FailsAsync(StatusCode.FailedPrecondition,
            () => _host.Client.ReleaseReservationAsync(new ReleaseReservationRequest { ReservationId = id }).ResponseAsync);

        Assert.Equal("INVALID_STATE", RpcAssert.Reason(error));
        var item = await _host.GetItemAsync(sku);
        Assert.Equal((7L, 1L), (item.AvailableQuantity, item.ReservedQuantity));
    }

    [ContractFact]
    public async Task ReserveStock_CommitShort_FailsPreconditionAndSellsNothing()
    {
        var sku = InventoryHost.NewSku();
        await _host.CreateItemAsync(sku, 2);
        var before = await _host.SnapshotAsync();
        var head = await _host.HeadAsync();

        var error = await RpcAssert.FailsAsync(StatusCode.FailedPrecondition,
            () => _host.Client.ReserveStockAsync(SellRequest(InventoryHost.NewReservationId(), (sku, 3))).ResponseAsync);

        Assert.Equal("INSUFFICIENT_STOCK", RpcAssert.Reason(error));
        Assert.Equal(before, await _host.SnapshotAsync());
        Assert.Equal(head, await _host.HeadAsync());
    }

    [ContractFact]
    public async Task ReserveStock_CommitWithUnknownSku_FailsNotFoundAndSellsNothing()
    {
        var known = InventoryHost.NewSku();
        await _host.CreateItemAsync(known, 5);
        var before = await _host.SnapshotAsync();

        await RpcAssert.FailsAsync(StatusCode.NotFound,
            () => _host.Client.ReserveStockAsync(SellRequest(InventoryHost.NewReservationId(), (known, 1), (InventoryHost.NewSku(), 1))).ResponseAsync);

        Assert.Equal(before, await _host.SnapshotAsync());
    }

    [ContractFact]
    public async Task ReserveStock_CommitWithTtl_FailsNamingTtlAndChangesNothing()
    {
        var sku = InventoryHost.NewSku();
        await _host.CreateItemAsync(sku, 5);
        var request = SellRequest(InventoryHost.NewReservationId(), (sku, 1));
        request.Ttl = Duration.FromTimeSpan(TimeSpan.FromSeconds(60));
        var before = await _host.SnapshotAsync();

        var error = await RpcAssert.InvalidFieldAsync("ttl", () => _host.Client.ReserveStockAsync(request).ResponseAsync);

        Assert.Contains("commit", Assert.Single(error.FieldViolations).Description, StringComparison.Ordinal);
        Assert.Equal(before, await _host.SnapshotAsync());
    }

    [ContractFact]
    public async Task ReserveStock_CommitReusingAnIdWithOtherLines_AlreadyExistsAndSellsNothing()
    {
        var sku = InventoryHost.NewSku();
        await _host.CreateItemAsync(sku, 10);
        var id = InventoryHost.NewReservationId();
        await _host.ReserveAsync(id, (sku, 2));
        var before = await _host.SnapshotAsync();

        await RpcAssert.FailsAsync(StatusCode.AlreadyExists, () => _host.Client.ReserveStockAsync(SellRequest(id, (sku, 3))).ResponseAsync);

        Assert.Equal(before, await _host.SnapshotAsync());
    }
}

public sealed class SqliteReserveStockCommitTests(HostFixture fixture) : ReserveStockCommitTests(fixture.Host), IClassFixture<HostFixture>;

public sealed class PostgresReserveStockCommitTests(PostgresHostFixture fixture)
    : ReserveStockCommitTests(fixture.Host), IClassFixture<PostgresHostFixture>, IRequiresPostgres;
