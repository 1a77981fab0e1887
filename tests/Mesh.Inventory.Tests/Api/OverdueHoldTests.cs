using Mesh.Inventory.Tests.Support;
using Mesh.Inventory.V1;

namespace Mesh.Inventory.Tests.Api;

/// <summary>Holds past their TTL never count against stock, even before the sweep expires them.</summary>
public abstract class OverdueHoldTests(InventoryHost host)
{
    private readonly InventoryHost _host = host;

    [ContractFact]
    public async Task ReserveStock_AllStockInOverdueHold_ExpiresThatHoldAndSucceeds()
    {
        var sku = InventoryHost.NewSku();
        await _host.CreateItemAsync(sku, 5);
        var overdue = "order:" + Guid.NewGuid();
        await _host.ReserveAsync(overdue, (sku, 5));
        _host.Time.Advance(TimeSpan.FromMinutes(5));

        var reservation = await _host.ReserveAsync("order:" + Guid.NewGuid(), (sku, 5));

        Assert.Equal(ReservationState.Held, reservation.State);
        var old = (await _host.Client.ReleaseReservationAsync(new ReleaseReservationRequest { ReservationId = overdue })).Reservation;
        Assert.Equal(ReservationState.Expired, old.State);
        Assert.Equal(5, (await _host.GetItemAsync(sku)).ReservedQuantity);
    }

    [ContractFact]
    public async Task ReserveStock_RetryOfOverdueHold_ReturnsItExpired()
    {
        var sku = InventoryHost.NewSku();
        await _host.CreateItemAsync(sku, 5);
        var id = "order:" + Guid.NewGuid();
        await _host.ReserveAsync(id, (sku, 2));
        _host.Time.Advance(TimeSpan.FromMinutes(5));

        var retried = await _host.ReserveAsync(id, (sku, 2));

        Assert.Equal(ReservationState.Expired, retried.State);
        Assert.Equal(0, (await _host.GetItemAsync(sku)).ReservedQuantity);
    }

    [ContractFact]
    public async Task AdjustStock_RemovalBlockedOnlyByOverdueHold_Succeeds()
    {
        var sku = InventoryHost.NewSku();
        await _host.CreateItemAsync(sku, 5);
        await _host.ReserveAsync("order:" + Guid.NewGuid(), (sku, 5));
        _host.Time.Advance(TimeSpan.FromMinutes(5));

        var item = (await _host.Client.AdjustStockAsync(new AdjustStockRequest
        {
            RequestId = Guid.NewGuid().ToString(), Sku = sku, Delta = -5, Reason = "write-off",
        })).Item;

        Assert.Equal((0L, 0L), (item.AvailableQuantity, item.ReservedQuantity));
    }
}

public sealed class SqliteOverdueHoldTests(NoSweepHostFixture fixture) : OverdueHoldTests(fixture.Host), IClassFixture<NoSweepHostFixture>;

public sealed class PostgresOverdueHoldTests(PostgresNoSweepHostFixture fixture) : OverdueHoldTests(fixture.Host), IClassFixture<PostgresNoSweepHostFixture>, IRequiresPostgres;
