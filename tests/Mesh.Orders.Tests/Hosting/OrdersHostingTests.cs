using Grpc.Core;
using Grpc.Health.V1;
using Mesh.Orders.Api;
using Mesh.Orders.Domain;
using Mesh.Orders.Storage;
using Mesh.Orders.Tests.Support;
using Mesh.Orders.V1;
using Mesh.ServiceDefaults.Hosting;
using Mesh.Storage.Sqlite;
using Mesh.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Mesh.Orders.Tests.Hosting;

/// <summary>The orders host: durable storage, readiness tied to its own database, message size limit, option checks.</summary>
public sealed class OrdersHostingTests
{
    [Fact]
    public async Task Restart_SameDatabaseFile_OrdersAndIdempotencySurvive()
    {
        var directory = Directory.CreateTempSubdirectory("mesh-orders-restart-");
        var path = Path.Combine(directory.FullName, "orders.db");
        try
        {
            using var mesh = new OrdersMesh(path);
            var user = await mesh.CreateUserAsync();
            var sku = await mesh.CreateItemAsync(quantity: 10);
            var request = Requests.Place(user, (sku, 2));
            var placed = (await mesh.Orders.PlaceOrderAsync(request)).Order;

            mesh.RestartOrders(path);
            var fetched = (await mesh.Orders.GetOrderAsync(new GetOrderRequest { OrderId = placed.OrderId })).Order;
            var retried = (await mesh.Orders.PlaceOrderAsync(request)).Order;

            Assert.Equal(placed, fetched);
            Assert.Equal(placed, retried);
            Assert.Equal((8, 0), await mesh.StockAsync(sku));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Start_DatabaseFromBeforeTheEventLog_UpgradesKeepingOrdersAndStartsTheLogEmpty()
    {
        var directory = Directory.CreateTempSubdirectory("mesh-orders-upgrade-");
        var path = Path.Combine(directory.FullName, "orders.db");
        try
        {
            var oldOrderId = Guid.NewGuid().ToString();
            using (var database = new SqliteDatabase(path))
            {
                await database.MigrateAsync([OrdersSchema.Sqlite.Migrations[0]]);
                await database.WriteAsync(async (connection, transaction) =>
                {
                    using var insert = connection.CreateCommand();
                    insert.Transaction = transaction;
                    insert.CommandText = $"""
                        INSERT INTO orders (order_id, request_id, request_hash, user_id, state, currency_code, total_minor, reason, create_time_ms, update_time_ms)
                        VALUES ('{oldOrderId}', '{Guid.NewGuid()}', 'hash', '{Guid.NewGuid()}', 'confirmed', 'USD', 500, '', 0, 0);
                        INSERT INTO order_lines VALUES ('{oldOrderId}', 0, 'OLD-1', 2, 'Old item', 250, 500);
                        """;
                    return await insert.ExecuteNonQueryAsync();
                });
            }

            using var mesh = new OrdersMesh(path);
            var user = await mesh.CreateUserAsync();
            var sku = await mesh.CreateItemAsync(quantity: 10);
            var old = (await mesh.Orders.GetOrderAsync(new GetOrderRequest { OrderId = oldOrderId })).Order;
            var emptyHead = await mesh.OrderEventHeadAsync();
            var placed = (await mesh.Orders.PlaceOrderAsync(Requests.Place(user, (sku, 1)))).Order;

            Assert.Equal((OrderState.Confirmed, 500L), (old.State, old.Total.AmountMinor));
            Assert.Equal(0, emptyHead);
            Assert.Equal([placed.OrderId, placed.OrderId], (await mesh.OrderEventsAfterAsync(0)).Select(e => e.Order.OrderId));
            await mesh.CachedItemAsync(sku);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Readiness_DatabaseFileDeleted_TurnsNotServing()
    {
        using var host = new MeshServiceFactory<OrderGrpcService>()
            .WithSetting("Mesh:Services:Users:Address", "http://127.0.0.1:1")
            .WithSetting("Mesh:Services:Inventory:Address", "http://127.0.0.1:1");
        using var channel = host.CreateChannel();
        var health = new Health.HealthClient(channel);
        var readiness = new HealthCheckRequest { Service = "readiness" };

        var started = (await health.CheckAsync(readiness)).Status;
        var service = (await health.CheckAsync(new HealthCheckRequest { Service = "mesh.orders.v1.OrderService" })).Status;
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { host.DatabasePath, host.DatabasePath + "-wal", host.DatabasePath + "-shm" })
        {
            File.Delete(file);
        }

        await Eventually.HoldsAsync(
            async () => (await health.CheckAsync(readiness)).Status == HealthCheckResponse.Types.ServingStatus.NotServing,
            "readiness reports NOT_SERVING",
            TimeSpan.FromSeconds(10));
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, started);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, service);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, (await health.CheckAsync(new HealthCheckRequest { Service = "liveness" })).Status);
    }

    [Fact]
    public async Task PlaceOrder_RequestOverOneMebibyte_ResourceExhaustedAndNothingStored()
    {
        using var host = new MeshServiceFactory<OrderGrpcService>()
            .WithSetting("Mesh:Services:Users:Address", "http://127.0.0.1:1")
            .WithSetting("Mesh:Services:Inventory:Address", "http://127.0.0.1:1");
        using var channel = host.CreateChannel();
        var request = Requests.Place(Guid.NewGuid().ToString(), (new string('a', 1024 * 1024 + 1), 1));

        await RpcAssert.FailsAsync(StatusCode.ResourceExhausted, () => new OrderService.OrderServiceClient(channel).PlaceOrderAsync(request).ResponseAsync);

        Assert.Equal(string.Empty, OrdersMesh.Snapshot(host.DatabasePath));
    }

    [Fact]
    public async Task PlaceOrder_DependenciesUnreachable_UnavailableAndOrderLeftPending()
    {
        // Real sockets to a closed port: what orders sees when users is down.
        using var host = new MeshServiceFactory<OrderGrpcService>()
            .WithSetting("Mesh:Services:Users:Address", "http://127.0.0.1:1")
            .WithSetting("Mesh:Services:Inventory:Address", "http://127.0.0.1:1")
            .WithSetting("Mesh:Clients:MaxAttempts", "2");
        using var channel = host.CreateChannel();
        var orders = new OrderService.OrderServiceClient(channel);
        var user = Guid.NewGuid().ToString();

        var exception = await RpcAssert.FailsAsync(StatusCode.Unavailable,
            () => orders.PlaceOrderAsync(Requests.Place(user, ("sku-1", 1))).ResponseAsync);

        Assert.Equal("DEPENDENCY_UNAVAILABLE", RpcAssert.Reason(exception));
        var stored = Assert.Single((await orders.ListOrdersAsync(new ListOrdersRequest { UserId = user })).Orders);
        Assert.Equal(OrderState.Pending, stored.State);
    }

    [Theory]
    [InlineData("Mesh:Orders:AbandonAfter", "00:00:00")]
    [InlineData("Mesh:Orders:AbandonAfter", "-00:00:01")]
    [InlineData("Mesh:Orders:SweepInterval", "00:00:00")]
    public async Task Start_InvalidOrdersOption_RefusesToStartNamingTheSection(string key, string value)
    {
        var exception = await ServiceStartup.FailureAsync(
            builder => builder.AddMeshDefaults("orders").AddOrders(),
            ("Mesh:Services:Users:Address", "http://127.0.0.1:1"),
            ("Mesh:Services:Inventory:Address", "http://127.0.0.1:1"),
            (key, value));

        var invalid = Assert.IsType<OptionsValidationException>(exception);
        Assert.Equal(OrdersOptions.ValidationMessage, invalid.Message);
    }
}
