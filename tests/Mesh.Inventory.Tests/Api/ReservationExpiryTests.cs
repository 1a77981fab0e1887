using Google.Protobuf.WellKnownTypes;
using Mesh.Inventory.Tests.Support;
using Mesh.Inventory.V1;

namespace Mesh.Inventory.Tests.Api;

/// <summary>The background sweep, running every 50 ms against the manual clock.</summary>
public sealed class ReservationExpiryTests : IDisposable
{
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(10);

    private readonly InventoryHost _host = new(configure: factory => factory.WithSetting("Mesh:Inventory:ExpirySweepInterval", "00:00:00.050"));

    public void Dispose() => _host.Dispose();

    private async Task<Reservation> ReserveAsync(string sku, long quantity, TimeSpan ttl)
    {
        var request = InventoryHost.ReserveRequest("order:" + Guid.NewGuid(), (sku, quantity));
        request.Ttl = Duration.FromTimeSpan(ttl);
        return (await _host.Client.ReserveStockAsync(request)).Reservation;
    }

    /// <summary>Polls until <paramref name="sku"/> holds <paramref name="reserved"/> units; false after <see cref="MaxWait"/>.</summary>
    private async Task<bool> WaitForReservedAsync(string sku, long reserved)
    {
        var deadline = DateTime.UtcNow + MaxWait;
        while (DateTime.UtcNow < deadline)
        {
            if ((await _host.GetItemAsync(sku)).ReservedQuantity == reserved)
            {
                return true;
            }

            await Task.Delay(25);
        }

        return false;
    }

    [Fact]
    public async Task ExpirySweep_HeldPastTtl_ExpiresItAndReturnsStock()
    {
        var sku = InventoryHost.NewSku();
        await _host.CreateItemAsync(sku, 10);
        var reservation = await ReserveAsync(sku, 4, TimeSpan.FromSeconds(30));
        Assert.Equal(4, (await _host.GetItemAsync(sku)).ReservedQuantity);

        _host.Time.Advance(TimeSpan.FromSeconds(30));

        Assert.True(await WaitForReservedAsync(sku, 0), "the sweep did not return the held units");
        Assert.Equal(10, (await _host.GetItemAsync(sku)).AvailableQuantity);
        var released = (await _host.Client.ReleaseReservationAsync(new ReleaseReservationRequest { ReservationId = reservation.ReservationId })).Reservation;
        Assert.Equal(ReservationState.Expired, released.State);
    }

    [Fact]
    public async Task ExpirySweep_HoldNotYetDue_KeepsHoldingWhileOverdueOnesExpire()
    {
        var longSku = InventoryHost.NewSku();
        var shortSku = InventoryHost.NewSku();
        await _host.CreateItemAsync(longSku, 10);
        await _host.CreateItemAsync(shortSku, 10);
        var keeper = await ReserveAsync(longSku, 3, TimeSpan.FromMinutes(10));
        await ReserveAsync(shortSku, 3, TimeSpan.FromSeconds(1));

        _host.Time.Advance(TimeSpan.FromMinutes(10) - TimeSpan.FromMilliseconds(1));

        // Once the short hold is gone a sweep has run, and it must have left the long one alone.
        Assert.True(await WaitForReservedAsync(shortSku, 0), "the sweep did not expire the overdue hold");
        Assert.Equal(3, (await _host.GetItemAsync(longSku)).ReservedQuantity);
        var committed = (await _host.Client.CommitReservationAsync(new CommitReservationRequest { ReservationId = keeper.ReservationId })).Reservation;
        Assert.Equal(ReservationState.Committed, committed.State);
    }

    [Fact]
    public async Task ExpirySweep_BacklogLargerThanOneBatch_ExpiresEveryHold()
    {
        var sku = InventoryHost.NewSku();
        await _host.CreateItemAsync(sku, 1_000);
        for (var index = 0; index < 230; index++)
        {
            await ReserveAsync(sku, 1, TimeSpan.FromMinutes(1));
        }

        _host.Time.Advance(TimeSpan.FromMinutes(2));

        Assert.True(await WaitForReservedAsync(sku, 0), "the sweep left holds behind");
        Assert.Equal(1_000, (await _host.GetItemAsync(sku)).AvailableQuantity);
    }
}
