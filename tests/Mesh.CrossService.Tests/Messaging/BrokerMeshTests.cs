using Grpc.Net.Client;
using Mesh.Inventory.V1;
using Mesh.Launcher;
using Mesh.Orders.V1;
using Mesh.Testing;
using Mesh.Testing.Messaging;
using Mesh.Users.V1;
using Microsoft.Data.Sqlite;

namespace Mesh.CrossService.Tests.Messaging;

/// <summary>
/// The three services as the launcher runs them with a broker (--broker), users on the broker
/// transport: an order placed through gRPC reaches the users statistics through orders' relay,
/// RabbitMQ and the users queue; and when the relay loses its checkpoint after publishing (a crash
/// between confirm and checkpoint) it publishes every order event again, which the inbox passes over.
/// </summary>
public sealed class BrokerMeshTests
{
    [BrokerFact]
    public async Task PlaceOrder_ReachesUserStatisticsThroughTheBroker_AndARepublishedLogCountsNothingTwice()
    {
        var url = await TestBroker.UrlAsync();
        var exchange = TestBroker.UniqueName("events");
        await using var capture = await BrokerQueue.BindAsync(url, exchange, "orders.order.confirmed");
        var dataDirectory = Directory.CreateTempSubdirectory("mesh-broker-").FullName;
        var options = BrokerMesh.Options(url, exchange, TestBroker.UniqueName("order-stats"), dataDirectory);
        try
        {
            using var timeout = Deadlines.After(240);
            await using var mesh = await MeshLauncher.StartAsync(options, timeout.Token);
            using var usersChannel = GrpcChannel.ForAddress(mesh.AddressOf(MeshService.Users));
            using var inventoryChannel = GrpcChannel.ForAddress(mesh.AddressOf(MeshService.Inventory));
            var users = new UserService.UserServiceClient(usersChannel);
            var user = await TestData.CreateUserAsync(users);
            var item = await TestData.CreateItemAsync(new InventoryService.InventoryServiceClient(inventoryChannel), priceMinor: 250, quantity: 100);

            await PlaceOrdersAsync(mesh, user.UserId, item.Sku, count: 3);
            await Eventually.HoldsAsync(async () => (await BrokerMesh.StatsAsync(users, user.UserId)).OrdersPlaced == 3,
                "the three confirmed orders counted through the broker", TimeSpan.FromSeconds(60));

            // The relay's checkpoint is lost, as if orders died after the broker confirmed and before
            // the checkpoint committed: on restart it publishes the whole log again, same message ids.
            await mesh.StopServiceAsync(MeshService.Orders, StopSignal.Kill, timeout.Token);
            await using (var connection = new SqliteConnection($"Data Source={Path.Combine(dataDirectory, "orders.db")};Pooling=false"))
            {
                await connection.OpenAsync(timeout.Token);
                await using var forget = new SqliteCommand("DELETE FROM consumer_cursors WHERE consumer = 'relay.orders';", connection);
                Assert.Equal(1, await forget.ExecuteNonQueryAsync(timeout.Token));
            }

            await mesh.StartServiceAsync(MeshService.Orders, extraEnvironment: null, timeout.Token);
            await PlaceOrdersAsync(mesh, user.UserId, item.Sku, count: 1);

            var confirmed = await capture.ReadUntilAsync(received => received.Count >= 7,
                "the three confirmations published twice, then the fourth", TimeSpan.FromSeconds(60));
            Assert.Equal(4, confirmed.Select(message => message.MessageId).Distinct().Count());
            await Eventually.HoldsAsync(async () => (await BrokerMesh.StatsAsync(users, user.UserId)).OrdersPlaced == 4,
                "the fourth order counted", TimeSpan.FromSeconds(60));
            var stats = await BrokerMesh.StatsAsync(users, user.UserId);
            Assert.Equal((4, 1000L), (stats.OrdersPlaced, stats.LifetimeSpend.Single().AmountMinor));
        }
        finally
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    private static async Task PlaceOrdersAsync(MeshLauncher mesh, string userId, string sku, int count)
    {
        using var channel = GrpcChannel.ForAddress(mesh.AddressOf(MeshService.Orders));
        var orders = new OrderService.OrderServiceClient(channel);
        for (var i = 0; i < count; i++)
        {
            var placed = await orders.PlaceOrderAsync(TestData.PlaceRequest(userId, sku, 1), deadline: Deadlines.Call());
            Assert.Equal(OrderState.Confirmed, placed.Order.State);
        }
    }
}
