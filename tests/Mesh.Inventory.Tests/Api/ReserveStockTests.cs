using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Mesh.Inventory.Tests.Support;
using Mesh.Inventory.V1;
using Mesh.Testing;

namespace Mesh.Inventory.Tests.Api;

public abstract class ReserveStockTests(InventoryHost host)
{
    private readonly InventoryHost _host = host;

    [ContractFact]
    public async Task ReserveStock_EnoughStock_HoldsEveryLineForFiveMinutesByDefault()
    {
        var mug = InventoryHost.NewSku();
        var tee = InventoryHost.NewSku();
        await _host.CreateItemAsync(mug, 10);
        await _host.CreateItemAsync(tee, 3);
        var id = InventoryHost.NewReservationId();

        var reservation = await _host.ReserveAsync(id, (tee, 3), (mug, 4));

        Assert.Equal(id, reservation.ReservationId);
        Assert.Equal(ReservationState.Held, reservation.State);
        Assert.Equal([(tee, 3L), (mug, 4L)], reservation.Lines.Select(line => (line.Sku, line.Quantity)));
        Assert.Equal(Timestamp.FromDateTimeOffset(_host.Time.GetUtcNow()), reservation.CreateTime);
        Assert.Equal(Timestamp.FromDateTimeOffset(_host.Time.GetUtcNow().AddMinutes(5)), reservation.ExpireTime);
        var mugItem = await _host.GetItemAsync(mug);
        Assert.Equal((6L, 4L), (mugItem.AvailableQuantity, mugItem.ReservedQuantity));
        var teeItem = await _host.GetItemAsync(tee);
        Assert.Equal((0L, 3L), (teeItem.AvailableQuantity, teeItem.ReservedQuantity));
    }

    [ContractTheory]
    [InlineData(1, 0)]
    [InlineData(90, 500_000_000)]
    [InlineData(900, 0)]
    public async Task ReserveStock_TtlWithinBounds_ExpiresAfterTtl(long seconds, int nanos)
    {
        var sku = InventoryHost.NewSku();
        await _host.CreateItemAsync(sku, 1);
        var request = InventoryHost.ReserveRequest(InventoryHost.NewReservationId(), (sku, 1));
        request.Ttl = new Duration { Seconds = seconds, Nanos = nanos };

        var reservation = (await _host.Client.ReserveStockAsync(request)).Reservation;

        var expected = _host.Time.GetUtcNow().AddSeconds(seconds).AddMilliseconds(nanos / 1_000_000);
        Assert.Equal(Timestamp.FromDateTimeOffset(expected), reservation.ExpireTime);
    }

    [ContractFact]
    public async Task ReserveStock_FiftyLinesOfTenThousand_HoldsAll()
    {
        var skus = Enumerable.Range(0, 50).Select(_ => InventoryHost.NewSku()).ToList();
        foreach (var sku in skus)
        {
            await _host.CreateItemAsync(sku, 10_000);
        }

        var reservation = await _host.ReserveAsync(InventoryHost.NewReservationId(), skus.Select(sku => (sku, 10_000L)).ToArray());

        Assert.Equal(50, reservation.Lines.Count);
        var items = await _host.Client.BatchGetItemsAsync(new BatchGetItemsRequest { Skus = { skus } });
        Assert.All(items.Items, item => Assert.Equal((0L, 10_000L), (item.AvailableQuantity, item.ReservedQuantity)));
    }

    [ContractFact]
    public async Task ReserveStock_SeveralLinesShort_FailsWithOneViolationPerShortSkuAndHoldsNothing()
    {
        var plenty = InventoryHost.NewSku();
        var few = InventoryHost.NewSku();
        var none = InventoryHost.NewSku();
        await _host.CreateItemAsync(plenty, 100);
        await _host.CreateItemAsync(few, 2);
        await _host.CreateItemAsync(none, 0);
        var before = await _host.SnapshotAsync();

        var error = await RpcAssert.FailsAsync(StatusCode.FailedPrecondition,
            () => _host.Client.ReserveStockAsync(InventoryHost.ReserveRequest(InventoryHost.NewReservationId(), (plenty, 50), (few, 3), (none, 1))).ResponseAsync);

        Assert.Equal("INSUFFICIENT_STOCK", RpcAssert.Reason(error));
        var violations = error.GetRpcStatus()!.GetDetail<PreconditionFailure>()!.Violations;
        Assert.Equal(
            [("STOCK", "sku:" + few, "requested 3, available 2"), ("STOCK", "sku:" + none, "requested 1, available 0")],
            violations.Select(violation => (violation.Type, violation.Subject, violation.Description)));
        Assert.Equal(before, await _host.SnapshotAsync());
    }

    [ContractFact]
    public async Task ReserveStock_ShortBecauseOthersHold_FailsAndHoldsNothing()
    {
        var sku = InventoryHost.NewSku();
        await _host.CreateItemAsync(sku, 5);
        await _host.ReserveAsync(InventoryHost.NewReservationId(), (sku, 4));
        var before = await _host.SnapshotAsync();

        await RpcAssert.FailsAsync(StatusCode.FailedPrecondition,
            () => _host.Client.ReserveStockAsync(InventoryHost.ReserveRequest(InventoryHost.NewReservationId(), (sku, 2))).ResponseAsync);

        Assert.Equal(before, await _host.SnapshotAsync());
    }

    [ContractFact]
    public async Task ReserveStock_UnknownSku_FailsNotFoundNamingLineAndHoldsNothing()
    {
        var known = InventoryHost.NewSku();
        await _host.CreateItemAsync(known, 5);
        var before = await _host.SnapshotAsync();

        var error = await RpcAssert.FailsAsync(StatusCode.NotFound,
            () => _host.Client.ReserveStockAsync(InventoryHost.ReserveRequest(InventoryHost.NewReservationId(), (known, 1), (InventoryHost.NewSku(), 1))).ResponseAsync);

        Assert.Equal("NOT_FOUND", RpcAssert.Reason(error));
        Assert.Equal("lines[1].sku", Assert.Single(error.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations).Field);
        Assert.Equal(before, await _host.SnapshotAsync());
    }

    [ContractFact]
    public async Task ReserveStock_SameIdAndLinesRetried_ReturnsSameReservationAndHoldsOnce()
    {
        var sku = InventoryHost.NewSku();
        await _host.CreateItemAsync(sku, 10);
        var request = InventoryHost.ReserveRequest(InventoryHost.NewReservationId(), (sku, 3));
        var first = (await _host.Client.ReserveStockAsync(request)).Reservation;
        var before = await _host.SnapshotAsync();
        _host.Time.Advance(TimeSpan.FromSeconds(10));

        var retried = (await _host.Client.ReserveStockAsync(request)).Reservation;

        Assert.Equal(first, retried);
        Assert.Equal(before, await _host.SnapshotAsync());
        Assert.Equal(3, (await _host.GetItemAsync(sku)).ReservedQuantity);
    }

    [ContractFact]
    public async Task ReserveStock_RetryListingLinesInAnotherOrder_ReturnsSameReservation()
    {
        var a = InventoryHost.NewSku();
        var b = InventoryHost.NewSku();
        await _host.CreateItemAsync(a, 10);
        await _host.CreateItemAsync(b, 10);
        var id = InventoryHost.NewReservationId();
        var first = await _host.ReserveAsync(id, (a, 1), (b, 2));

        var retried = await _host.ReserveAsync(id, (b, 2), (a, 1));

        Assert.Equal(first, retried);
        Assert.Equal(1, (await _host.GetItemAsync(a)).ReservedQuantity);
    }

    [ContractFact]
    public async Task ReserveStock_RetryAfterCommit_ReturnsCommittedReservation()
    {
        var sku = InventoryHost.NewSku();
        await _host.CreateItemAsync(sku, 10);
        var id = InventoryHost.NewReservationId();
        await _host.ReserveAsync(id, (sku, 3));
        await _host.Client.CommitReservationAsync(new CommitReservationRequest { ReservationId = id });

        var retried = await _host.ReserveAsync(id, (sku, 3));

        Assert.Equal(ReservationState.Committed, retried.State);
        var item = await _host.GetItemAsync(sku);
        Assert.Equal((7L, 0L), (item.AvailableQuantity, item.ReservedQuantity));
    }

    [ContractFact]
    public async Task ReserveStock_RetryAfterReleaseWithoutStock_ReturnsReleasedReservation()
    {
        var sku = InventoryHost.NewSku();
        await _host.CreateItemAsync(sku, 3);
        var id = InventoryHost.NewReservationId();
        await _host.ReserveAsync(id, (sku, 3));
        await _host.Client.ReleaseReservationAsync(new ReleaseReservationRequest { ReservationId = id });
        await _host.ReserveAsync(InventoryHost.NewReservationId(), (sku, 3));

        var retried = await _host.ReserveAsync(id, (sku, 3));

        Assert.Equal(ReservationState.Released, retried.State);
    }

    [ContractTheory]
    [InlineData(4, false)]
    [InlineData(3, true)]
    public async Task ReserveStock_SameIdWithDifferentLines_FailsRequestIdReusedAndChangesNothing(long quantity, bool extraLine)
    {
        var sku = InventoryHost.NewSku();
        var other = InventoryHost.NewSku();
        await _host.CreateItemAsync(sku, 10);
        await _host.CreateItemAsync(other, 10);
        var id = InventoryHost.NewReservationId();
        await _host.ReserveAsync(id, (sku, 3));
        var before = await _host.SnapshotAsync();
        var request = extraLine
            ? InventoryHost.ReserveRequest(id, (sku, quantity), (other, 1))
            : InventoryHost.ReserveRequest(id, (sku, quantity));

        var error = await RpcAssert.FailsAsync(StatusCode.AlreadyExists, () => _host.Client.ReserveStockAsync(request).ResponseAsync);

        Assert.Equal("REQUEST_ID_REUSED", RpcAssert.Reason(error));
        Assert.Equal("reservation_id", Assert.Single(error.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations).Field);
        Assert.Equal(before, await _host.SnapshotAsync());
    }

    [ContractTheory]
    [InlineData("reservation_id", "", 1)]
    [InlineData("reservation_id", ":starts-with-colon", 1)]
    [InlineData("reservation_id", "has/slash", 1)]
    [InlineData("reservation_id", "order:\u00e9", 1)]
    [InlineData("reservation_id", "order:01234567890123456789012345678901234567890123456789012345678", 1)]
    [InlineData("lines[0].quantity", "order:1", 0)]
    [InlineData("lines[0].quantity", "order:1", -1)]
    [InlineData("lines[0].quantity", "order:1", 10_001)]
    [InlineData("lines[0].quantity", "order:1", long.MaxValue)]
    public async Task ReserveStock_InvalidField_FailsInvalidArgumentNamingFieldAndChangesNothing(string field, string reservationId, long quantity)
    {
        var sku = InventoryHost.NewSku();
        await _host.CreateItemAsync(sku, 100_000);
        var before = await _host.SnapshotAsync();

        await RpcAssert.InvalidFieldAsync(field,
            () => _host.Client.ReserveStockAsync(InventoryHost.ReserveRequest(reservationId, (sku, quantity))).ResponseAsync);

        Assert.Equal(before, await _host.SnapshotAsync());
    }

    [ContractFact]
    public async Task ReserveStock_ReservationIdOf64Characters_Succeeds()
    {
        var sku = InventoryHost.NewSku();
        await _host.CreateItemAsync(sku, 1);
        var id = "order:" + Guid.NewGuid().ToString("N") + "_abcdefghijklmnopqrstuvwxy";

        var reservation = await _host.ReserveAsync(id, (sku, 1));

        Assert.Equal(64, reservation.ReservationId.Length);
    }

    [ContractFact]
    public async Task ReserveStock_NoLines_FailsNamingLines()
    {
        await RpcAssert.InvalidFieldAsync("lines",
            () => _host.Client.ReserveStockAsync(InventoryHost.ReserveRequest(InventoryHost.NewReservationId())).ResponseAsync);
    }

    [ContractFact]
    public async Task ReserveStock_FiftyOneLines_FailsNamingLines()
    {
        var lines = Enumerable.Range(0, 51).Select(_ => (InventoryHost.NewSku(), 1L)).ToArray();

        await RpcAssert.InvalidFieldAsync("lines",
            () => _host.Client.ReserveStockAsync(InventoryHost.ReserveRequest(InventoryHost.NewReservationId(), lines)).ResponseAsync);
    }

    [ContractFact]
    public async Task ReserveStock_DuplicateSku_FailsNamingTheDuplicateLine()
    {
        var sku = InventoryHost.NewSku();
        await _host.CreateItemAsync(sku, 10);
        var before = await _host.SnapshotAsync();

        await RpcAssert.InvalidFieldAsync("lines[1]",
            () => _host.Client.ReserveStockAsync(InventoryHost.ReserveRequest(InventoryHost.NewReservationId(), (sku, 1), (sku, 2))).ResponseAsync);

        Assert.Equal(before, await _host.SnapshotAsync());
    }

    [ContractFact]
    public async Task ReserveStock_MalformedSku_FailsNamingLineSku()
    {
        await RpcAssert.InvalidFieldAsync("lines[1].sku",
            () => _host.Client.ReserveStockAsync(InventoryHost.ReserveRequest(InventoryHost.NewReservationId(), (InventoryHost.NewSku(), 1), ("no spaces", 1))).ResponseAsync);
    }

    [ContractTheory]
    [InlineData(0, 0)]
    [InlineData(0, 999_999_999)]
    [InlineData(900, 1)]
    [InlineData(3600, 0)]
    [InlineData(-60, 0)]
    [InlineData(5, -1)]
    [InlineData(5, 1_000_000_000)]
    [InlineData(long.MaxValue, 0)]
    public async Task ReserveStock_TtlOutOfBounds_FailsNamingTtlAndChangesNothing(long seconds, int nanos)
    {
        var sku = InventoryHost.NewSku();
        await _host.CreateItemAsync(sku, 1);
        var request = InventoryHost.ReserveRequest(InventoryHost.NewReservationId(), (sku, 1));
        request.Ttl = new Duration { Seconds = seconds, Nanos = nanos };
        var before = await _host.SnapshotAsync();

        await RpcAssert.InvalidFieldAsync("ttl", () => _host.Client.ReserveStockAsync(request).ResponseAsync);

        Assert.Equal(before, await _host.SnapshotAsync());
    }
}

public sealed class SqliteReserveStockTests(HostFixture fixture) : ReserveStockTests(fixture.Host), IClassFixture<HostFixture>;

public sealed class PostgresReserveStockTests(PostgresHostFixture fixture) : ReserveStockTests(fixture.Host), IClassFixture<PostgresHostFixture>, IRequiresPostgres;
