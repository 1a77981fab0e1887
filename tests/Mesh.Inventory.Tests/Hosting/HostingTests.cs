using Grpc.Core;
using Grpc.Health.V1;
using Mesh.Inventory.Tests.Support;
using Mesh.Inventory.V1;
using Mesh.ServiceDefaults.Health;
using Mesh.ServiceDefaults.Hosting;
using Mesh.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Mesh.Inventory.Tests.Hosting;

public sealed class HostingTests
{
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Restart_SameDatabaseFile_KeepsItemsStockAndReservations()
    {
        var directory = Directory.CreateTempSubdirectory("mesh-inventory-restart-");
        try
        {
            var path = Path.Combine(directory.FullName, "inventory.db");
            var sku = InventoryHost.NewSku();
            var id = "order:" + Guid.NewGuid();
            var adjust = new AdjustStockRequest { RequestId = Guid.NewGuid().ToString(), Sku = sku, Delta = 5, Reason = "delivery" };
            using (var first = new InventoryHost(path))
            {
                await first.CreateItemAsync(sku, 10);
                await first.Client.AdjustStockAsync(adjust);
                await first.ReserveAsync(id, (sku, 4));
            }

            using var second = new InventoryHost(path);
            var item = await second.GetItemAsync(sku);
            Assert.Equal((11L, 4L), (item.AvailableQuantity, item.ReservedQuantity));
            // Idempotency records survive too: the retried adjustment is not applied again.
            Assert.Equal(11, (await second.Client.AdjustStockAsync(adjust)).Item.AvailableQuantity);
            var committed = (await second.Client.CommitReservationAsync(new CommitReservationRequest { ReservationId = id })).Reservation;
            Assert.Equal(ReservationState.Committed, committed.State);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Readiness_DatabaseFileDeleted_TurnsNotServing()
    {
        using var host = new InventoryHost(configure: factory => factory.WithSetting("Mesh:Inventory:ExpirySweepInterval", "01:00:00"));
        var health = new Health.HealthClient(host.Channel);
        Assert.True(await WaitForStatusAsync(health, HealthNames.Readiness, HealthCheckResponse.Types.ServingStatus.Serving));

        foreach (var suffix in new[] { string.Empty, "-wal", "-shm" })
        {
            File.Delete(host.DatabasePath + suffix);
        }

        Assert.True(await WaitForStatusAsync(health, HealthNames.Readiness, HealthCheckResponse.Types.ServingStatus.NotServing));
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving,
            (await health.CheckAsync(new HealthCheckRequest { Service = HealthNames.Liveness })).Status);
    }

    [Theory]
    [InlineData("00:00:00")]
    [InlineData("-00:00:01")]
    public async Task Start_NonPositiveExpirySweepInterval_RefusesToStartNamingTheSetting(string value)
    {
        var exception = await ServiceStartup.FailureAsync(
            builder => builder.AddMeshDefaults("inventory").AddInventory(),
            ("Mesh:Inventory:ExpirySweepInterval", value));

        var invalid = Assert.IsType<OptionsValidationException>(exception);
        Assert.Contains("Mesh:Inventory:ExpirySweepInterval must be positive", invalid.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_InventoryServiceName_ReportsServing()
    {
        using var host = new InventoryHost();
        var health = new Health.HealthClient(host.Channel);

        Assert.True(await WaitForStatusAsync(health, InventoryService.Descriptor.FullName, HealthCheckResponse.Types.ServingStatus.Serving));
    }

    [Fact]
    public async Task CreateItem_RequestLargerThanOneMebibyte_FailsResourceExhausted()
    {
        using var host = new InventoryHost();
        var before = await host.SnapshotAsync();

        await RpcAssert.FailsAsync(StatusCode.ResourceExhausted,
            () => host.Client.CreateItemAsync(InventoryHost.ItemRequest(InventoryHost.NewSku(), 1, name: new string('x', 1024 * 1024 + 1))).ResponseAsync);

        Assert.Equal(before, await host.SnapshotAsync());
    }

    [Fact]
    public async Task Startup_NewDatabase_MigratesToLatestSchemaVersion()
    {
        using var host = new InventoryHost();
        await host.CreateItemAsync(InventoryHost.NewSku(), 1);

        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = host.DatabasePath, Pooling = false }.ToString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA user_version";

        Assert.Equal(Mesh.Inventory.Storage.InventorySchema.Schema.Migrations.Count, Convert.ToInt32(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture));
    }

    private static async Task<bool> WaitForStatusAsync(Health.HealthClient health, string service, HealthCheckResponse.Types.ServingStatus expected)
    {
        var deadline = DateTime.UtcNow + MaxWait;
        while (DateTime.UtcNow < deadline)
        {
            if ((await health.CheckAsync(new HealthCheckRequest { Service = service })).Status == expected)
            {
                return true;
            }

            await Task.Delay(50);
        }

        return false;
    }
}
