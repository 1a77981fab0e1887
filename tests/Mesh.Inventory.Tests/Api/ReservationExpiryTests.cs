using Google.Protobuf.WellKnownTypes;
using Mesh.Inventory.Tests.Support;
using Mesh.Inventory.V1;

namespace Mesh.Inventory.Tests.Api;

/// <summary>The background sweep, running every 50 ms against the manual clock.</summary>
public abstract class ReservationExpiryTests : IAsyncLifetime
{
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(10);

    private InventoryHost? _created;

    /// <summary>True in the derived class that runs these tests on PostgreSQL.</summary>
    protected abstract bool OnPostgres { get; }

    private InventoryHost Host => _created ?? throw new InvalidOperationException("The host is created in InitializeAsync.");

    public async Task InitializeAsync() => _created = await InventoryHost.CreateAsync(OnPostgres, factory => factory.WithSetting("Mesh:Inventory:ExpirySweepInterval", "00:00:00.050"));

    public async Task DisposeAsync()
    {
        if (_created is not null)
        {
            await _created.DisposeAsync();
        }
    }

    private async Task<Reservation> ReserveAsync(string sku, long quantity, TimeSpan ttl)
    {
        var request = InventoryHost.ReserveRequest("order:" + Guid.NewGuid(), (sku, quantity));
        request.Ttl = Duration.FromTimeSpan(ttl);
        return (await Host.Client.ReserveStockAsync(request)).Reservation;
    }

    /// <summary>Polls until <paramref name="sku"/> holds <paramref name="reserved"/> units; false after <see cref="MaxWait"/>.</summary>
    private async Task<bool> WaitForReservedAsync(string sku, long reserved)
    {
        var deadline = DateTime.UtcNow + MaxWait;
        while (DateTime.UtcNow < deadline)
        {
            if ((await Host.GetItemAsync(sku)).ReservedQuantity == reserved)
            {
                return true;
            }

            await Task.Delay(25);
        }

        return false;
    }

    [ContractFact]
    public async Task ExpirySweep_HeldPastTtl_ExpiresItAndReturnsStock()
    {
        var sku = InventoryHost.NewSku();
        await Host.CreateItemAsync(sku, 10);
        var reservation = await ReserveAsync(sku, 4, TimeSpan.FromSeconds(30));
        Assert.Equal(4, (await Host.GetItemAsync(sku)).ReservedQuantity);

        Host.Time.Advance(TimeSpan.FromSeconds(30));

        Assert.True(await WaitForReservedAsync(sku, 0), "the sweep did not return the held units");
        Assert.Equal(10, (await Host.GetItemAsync(sku)).AvailableQuantity);
        var released = (await Host.Client.ReleaseReservationAsync(new ReleaseReservationRequest { ReservationId = reservation.ReservationId })).Reservation;
        Assert.Equal(ReservationState.Expired, released.State);
    }

    [ContractFact]
    public async Task ExpirySweep_HoldNotYetDue_KeepsHoldingWhileOverdueOnesExpire()
    {
        var longSku = InventoryHost.NewSku();
        var shortSku = InventoryHost.NewSku();
        await Host.CreateItemAsync(longSku, 10);
        await Host.CreateItemAsync(shortSku, 10);
        var keeper = await ReserveAsync(longSku, 3, TimeSpan.FromMinutes(10));
        await ReserveAsync(shortSku, 3, TimeSpan.FromSeconds(1));

        Host.Time.Advance(TimeSpan.FromMinutes(10) - TimeSpan.FromMilliseconds(1));

        // Once the short hold is gone a sweep has run, and it must have left the long one alone.
        Assert.True(await WaitForReservedAsync(shortSku, 0), "the sweep did not expire the overdue hold");
        Assert.Equal(3, (await Host.GetItemAsync(longSku)).ReservedQuantity);
        var committed = (await Host.Client.CommitReservationAsync(new CommitReservationRequest { ReservationId = keeper.ReservationId })).Reservation;
        Assert.Equal(ReservationState.Committed, committed.State);
    }

    [ContractFact]
    public async Task ExpirySweep_BacklogLargerThanOneBatch_ExpiresEveryHold()
    {
        var sku = InventoryHost.NewSku();
        await Host.CreateItemAsync(sku, 1_000);
        for (var index = 0; index < 230; index++)
        {
            await ReserveAsync(sku, 1, TimeSpan.FromMinutes(1));
        }

        Host.Time.Advance(TimeSpan.FromMinutes(2));

        Assert.True(await WaitForReservedAsync(sku, 0), "the sweep left holds behind");
        Assert.Equal(1_000, (await Host.GetItemAsync(sku)).AvailableQuantity);
    }
}

public sealed class SqliteReservationExpiryTests : ReservationExpiryTests
{
    protected override bool OnPostgres => false;
}

public sealed class PostgresReservationExpiryTests : ReservationExpiryTests, IRequiresPostgres
{
    protected override bool OnPostgres => true;
}
