using Grpc.Core;
using Mesh.Inventory.Tests.Support;
using Mesh.Inventory.V1;
using Mesh.Testing;

namespace Mesh.Inventory.Tests.Api;

public abstract class ReleaseReservationTests(InventoryHost host)
{
    private readonly InventoryHost _host = host;

    private async Task<(string Sku, string ReservationId)> HoldAsync(long onHand, long quantity)
    {
        var sku = InventoryHost.NewSku();
        await _host.CreateItemAsync(sku, onHand);
        var id = "order:" + Guid.NewGuid();
        await _host.ReserveAsync(id, (sku, quantity));
        return (sku, id);
    }

    private Task<ReleaseReservationResponse> ReleaseAsync(string id) =>
        _host.Client.ReleaseReservationAsync(new ReleaseReservationRequest { ReservationId = id }).ResponseAsync;

    [ContractFact]
    public async Task ReleaseReservation_Held_ReturnsUnitsToAvailability()
    {
        var (sku, id) = await HoldAsync(onHand: 10, quantity: 4);

        var reservation = (await ReleaseAsync(id)).Reservation;

        Assert.Equal(ReservationState.Released, reservation.State);
        var item = await _host.GetItemAsync(sku);
        Assert.Equal((10L, 0L), (item.AvailableQuantity, item.ReservedQuantity));
    }

    [ContractFact]
    public async Task ReleaseReservation_AlreadyReleased_ReturnsItWithoutSecondEffect()
    {
        var (sku, id) = await HoldAsync(onHand: 10, quantity: 4);
        await _host.ReserveAsync("order:" + Guid.NewGuid(), (sku, 2));
        var first = (await ReleaseAsync(id)).Reservation;
        var before = await _host.SnapshotAsync();

        var second = (await ReleaseAsync(id)).Reservation;

        Assert.Equal(first, second);
        Assert.Equal(before, await _host.SnapshotAsync());
        Assert.Equal(2, (await _host.GetItemAsync(sku)).ReservedQuantity);
    }

    [ContractFact]
    public async Task ReleaseReservation_HeldButPastExpiryBeforeSweep_ReturnsExpiredAndReturnsUnits()
    {
        var (sku, id) = await HoldAsync(onHand: 10, quantity: 4);
        _host.Time.Advance(TimeSpan.FromMinutes(6));

        var reservation = (await ReleaseAsync(id)).Reservation;

        Assert.Equal(ReservationState.Expired, reservation.State);
        Assert.Equal(10, (await _host.GetItemAsync(sku)).AvailableQuantity);
    }

    [ContractFact]
    public async Task ReleaseReservation_Committed_FailsInvalidStateAndChangesNothing()
    {
        var (_, id) = await HoldAsync(onHand: 10, quantity: 4);
        await _host.Client.CommitReservationAsync(new CommitReservationRequest { ReservationId = id });
        var before = await _host.SnapshotAsync();

        var error = await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, () => ReleaseAsync(id));

        Assert.Equal("INVALID_STATE", RpcAssert.Reason(error));
        Assert.Equal(before, await _host.SnapshotAsync());
    }

    [ContractFact]
    public async Task ReleaseReservation_UnknownId_FailsNotFound()
    {
        var error = await RpcAssert.FailsAsync(StatusCode.NotFound, () => ReleaseAsync("order:" + Guid.NewGuid()));

        Assert.Equal("NOT_FOUND", RpcAssert.Reason(error));
    }

    [ContractTheory]
    [InlineData("")]
    [InlineData("order:1/2")]
    [InlineData("order:01234567890123456789012345678901234567890123456789012345678")]
    public async Task ReleaseReservation_MalformedId_FailsNamingReservationId(string id)
    {
        await RpcAssert.InvalidFieldAsync("reservation_id", () => ReleaseAsync(id));
    }
}

public sealed class SqliteReleaseReservationTests(NoSweepHostFixture fixture) : ReleaseReservationTests(fixture.Host), IClassFixture<NoSweepHostFixture>;

public sealed class PostgresReleaseReservationTests(PostgresNoSweepHostFixture fixture) : ReleaseReservationTests(fixture.Host), IClassFixture<PostgresNoSweepHostFixture>, IRequiresPostgres;
