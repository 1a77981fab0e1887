using Google.Rpc;
using Grpc.Core;
using Mesh.Inventory.Tests.Support;
using Mesh.Inventory.V1;
using Mesh.Testing;

namespace Mesh.Inventory.Tests.Api;

public abstract class CommitReservationTests(InventoryHost host)
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

    private Task<CommitReservationResponse> CommitAsync(string id) =>
        _host.Client.CommitReservationAsync(new CommitReservationRequest { ReservationId = id }).ResponseAsync;

    [ContractFact]
    public async Task CommitReservation_Held_SellsHeldUnits()
    {
        var (sku, id) = await HoldAsync(onHand: 10, quantity: 3);

        var reservation = (await CommitAsync(id)).Reservation;

        Assert.Equal(ReservationState.Committed, reservation.State);
        Assert.Equal([(sku, 3L)], reservation.Lines.Select(line => (line.Sku, line.Quantity)));
        var item = await _host.GetItemAsync(sku);
        Assert.Equal((7L, 0L), (item.AvailableQuantity, item.ReservedQuantity));
        // Seven on hand, not ten: removing eight must now fail.
        await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, () => _host.Client.AdjustStockAsync(new AdjustStockRequest
        {
            RequestId = Guid.NewGuid().ToString(), Sku = sku, Delta = -8, Reason = "probe",
        }).ResponseAsync);
    }

    [ContractFact]
    public async Task CommitReservation_AlreadyCommitted_ReturnsItWithoutSecondEffect()
    {
        var (_, id) = await HoldAsync(onHand: 10, quantity: 3);
        var first = (await CommitAsync(id)).Reservation;
        var before = await _host.SnapshotAsync();

        var second = (await CommitAsync(id)).Reservation;

        Assert.Equal(first, second);
        Assert.Equal(before, await _host.SnapshotAsync());
    }

    [ContractFact]
    public async Task CommitReservation_Released_FailsInvalidStateAndChangesNothing()
    {
        var (_, id) = await HoldAsync(onHand: 10, quantity: 3);
        await _host.Client.ReleaseReservationAsync(new ReleaseReservationRequest { ReservationId = id });
        var before = await _host.SnapshotAsync();

        var error = await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, () => CommitAsync(id));

        Assert.Equal("INVALID_STATE", RpcAssert.Reason(error));
        var violation = Assert.Single(error.GetRpcStatus()!.GetDetail<PreconditionFailure>()!.Violations);
        Assert.Equal(("STATE", "reservation:" + id, "is RELEASED"), (violation.Type, violation.Subject, violation.Description));
        Assert.Equal(before, await _host.SnapshotAsync());
    }

    [ContractFact]
    public async Task CommitReservation_HeldButPastExpiryBeforeSweep_ExpiresItAndFails()
    {
        var (sku, id) = await HoldAsync(onHand: 10, quantity: 3);
        _host.Time.Advance(TimeSpan.FromMinutes(5));

        var error = await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, () => CommitAsync(id));

        Assert.Equal("INVALID_STATE", RpcAssert.Reason(error));
        Assert.Contains("EXPIRED", error.Status.Detail, StringComparison.Ordinal);
        var item = await _host.GetItemAsync(sku);
        Assert.Equal((10L, 0L), (item.AvailableQuantity, item.ReservedQuantity));
        var released = (await _host.Client.ReleaseReservationAsync(new ReleaseReservationRequest { ReservationId = id })).Reservation;
        Assert.Equal(ReservationState.Expired, released.State);
    }

    [ContractFact]
    public async Task CommitReservation_OneMillisecondBeforeExpiry_Commits()
    {
        var (_, id) = await HoldAsync(onHand: 10, quantity: 3);
        _host.Time.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromMilliseconds(1));

        var reservation = (await CommitAsync(id)).Reservation;

        Assert.Equal(ReservationState.Committed, reservation.State);
    }

    [ContractFact]
    public async Task CommitReservation_UnknownId_FailsNotFoundNamingReservationId()
    {
        var error = await RpcAssert.FailsAsync(StatusCode.NotFound, () => CommitAsync("order:" + Guid.NewGuid()));

        Assert.Equal("NOT_FOUND", RpcAssert.Reason(error));
        Assert.Equal("reservation_id", Assert.Single(error.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations).Field);
    }

    [ContractTheory]
    [InlineData("")]
    [InlineData("-leading")]
    [InlineData("order 1")]
    [InlineData("order:\u0000")]
    public async Task CommitReservation_MalformedId_FailsNamingReservationId(string id)
    {
        await RpcAssert.InvalidFieldAsync("reservation_id", () => CommitAsync(id));
    }
}

public sealed class SqliteCommitReservationTests(NoSweepHostFixture fixture) : CommitReservationTests(fixture.Host), IClassFixture<NoSweepHostFixture>;

public sealed class PostgresCommitReservationTests(PostgresNoSweepHostFixture fixture) : CommitReservationTests(fixture.Host), IClassFixture<PostgresNoSweepHostFixture>, IRequiresPostgres;
