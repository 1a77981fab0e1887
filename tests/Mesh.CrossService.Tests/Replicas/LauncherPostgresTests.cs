using Mesh.Inventory.V1;
using Mesh.Launcher;
using Mesh.Orders.V1;
using Mesh.Testing;
using Mesh.Testing.Postgres;
using Npgsql;

namespace Mesh.CrossService.Tests.Replicas;

/// <summary>The local run's opt-in PostgreSQL mode, as the README documents it (<c>--postgres</c>).</summary>
public sealed class LauncherPostgresTests
{
    [PostgresFact]
    public async Task The_launcher_runs_the_mesh_on_postgres_and_a_second_run_finds_the_data()
    {
        var server = PostgresServer.ConnectionString
            ?? throw new InvalidOperationException($"{PostgresServer.Variable} is not set; CI=true requires it.");
        var prefix = "launcher_" + Guid.NewGuid().ToString("N")[..10];
        var withPrefix = new NpgsqlConnectionStringBuilder(server) { Database = prefix }.ConnectionString;
        var dataDirectory = Directory.CreateTempSubdirectory("mesh-launcher-pg-").FullName;
        try
        {
            string orderId;
            await using (var mesh = await StartAsync(withPrefix, dataDirectory))
            {
                var demo = mesh.Demo ?? throw new InvalidOperationException("the launcher did not seed: " + mesh.SeedConflict);
                using var channel = Grpc.Net.Client.GrpcChannel.ForAddress(mesh.AddressOf(MeshService.Orders));
                var placed = await new OrderService.OrderServiceClient(channel).PlaceOrderAsync(
                    TestData.PlaceRequest(demo.User.UserId, demo.Items[0].Sku, 1), deadline: Deadlines.Call());
                Assert.Equal(OrderState.Confirmed, placed.Order.State);
                orderId = placed.Order.OrderId;
            }

            // Nothing was written to the SQLite folder: the data lives in the three databases.
            Assert.Empty(Directory.EnumerateFiles(dataDirectory, "*.db", SearchOption.AllDirectories));
            foreach (var info in MeshServiceInfo.All)
            {
                Assert.True(await DatabaseExistsAsync(server, $"{prefix}_{info.Name}"), $"{prefix}_{info.Name} was not created");
            }

            await using (var again = await StartAsync(withPrefix, dataDirectory))
            {
                Assert.Null(again.SeedConflict);
                using var channel = Grpc.Net.Client.GrpcChannel.ForAddress(again.AddressOf(MeshService.Orders));
                var read = await new OrderService.OrderServiceClient(channel).GetOrderAsync(new GetOrderRequest { OrderId = orderId }, deadline: Deadlines.Call());
                Assert.Equal(OrderState.Confirmed, read.Order.State);
                using var inventoryChannel = Grpc.Net.Client.GrpcChannel.ForAddress(again.AddressOf(MeshService.Inventory));
                var items = await new InventoryService.InventoryServiceClient(inventoryChannel).ListItemsAsync(new ListItemsRequest(), deadline: Deadlines.Call());
                Assert.Equal(again.Demo!.Items.Count, items.Items.Count);
            }
        }
        finally
        {
            Directory.Delete(dataDirectory, recursive: true);
            await DropAsync(server, prefix);
        }
    }

    private static async Task<MeshLauncher> StartAsync(string postgres, string dataDirectory)
    {
        var ports = FreePorts.Take(6);
        using var timeout = Deadlines.After(150);
        return await MeshLauncher.StartAsync(
            MeshLauncherOptions.OnPorts(ports) with
            {
                DataDirectory = dataDirectory,
                PostgresServer = postgres,
                StartTimeout = TimeSpan.FromSeconds(90),
                Output = _ => { },
            },
            timeout.Token);
    }

    private static async Task<bool> DatabaseExistsAsync(string server, string name)
    {
        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1;", connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
        return await command.ExecuteScalarAsync() is not null;
    }

    private static async Task DropAsync(string server, string prefix)
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync();
        foreach (var info in MeshServiceInfo.All)
        {
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {prefix}_{info.Name} WITH (FORCE);", connection);
            await drop.ExecuteNonQueryAsync();
        }
    }
}
