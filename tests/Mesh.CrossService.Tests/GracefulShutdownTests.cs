using Grpc.Core;
using Grpc.Health.V1;
using Mesh.Inventory.V1;
using Mesh.Launcher;
using Mesh.Orders.V1;
using Mesh.Users.V1;

namespace Mesh.CrossService.Tests;

/// <summary>SIGTERM drains a service: readiness flips, in-flight calls finish, the process exits 0.</summary>
[Collection(MeshCollection.Name)]
public sealed class GracefulShutdownTests(MeshFixture fixture)
{
    [Fact]
    public async Task PlaceOrder_OrdersGetsSigtermMidCall_CompletesAndOrdersExitsZero()
    {
        using var timeout = Deadlines.After(180);
        var mesh = fixture.Mesh;
        User user;
        Item item;
        using (var usersChannel = fixture.Channel(MeshService.Users))
        using (var inventoryChannel = fixture.Channel(MeshService.Inventory))
        {
            user = await TestData.CreateUserAsync(new UserService.UserServiceClient(usersChannel));
            item = await TestData.CreateItemAsync(new InventoryService.InventoryServiceClient(inventoryChannel), priceMinor: 100, quantity: 5);
        }

        // Orders reaches users through a proxy that can hold its call, so the call is surely in flight.
        await using var proxy = new HoldingTcpProxy(mesh.AddressOf(MeshService.Users));
        await mesh.StopServiceAsync(MeshService.Orders, StopSignal.Terminate, timeout.Token);
        var orders = await mesh.StartServiceAsync(
            MeshService.Orders,
            new Dictionary<string, string?> { ["Mesh__Services__Users__Address"] = proxy.Address.GetLeftPart(UriPartial.Authority) },
            timeout.Token);
        Order placed;
        try
        {
            using var ordersChannel = fixture.Channel(MeshService.Orders);
            using var watch = new Health.HealthClient(ordersChannel).Watch(
                new HealthCheckRequest { Service = ReadinessProbe.HealthName }, cancellationToken: timeout.Token);
            Assert.True(await watch.ResponseStream.MoveNext(timeout.Token), "readiness Watch ended before its first status");
            Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, watch.ResponseStream.Current.Status);

            proxy.Hold();
            var placing = new OrderService.OrderServiceClient(ordersChannel).PlaceOrderAsync(
                TestData.PlaceRequest(user.UserId, item.Sku, 2),
                deadline: DateTime.UtcNow.AddSeconds(60),
                cancellationToken: timeout.Token);
            await proxy.HeldTraffic.WaitAsync(TimeSpan.FromSeconds(15), timeout.Token);

            orders.Signal(StopSignal.Terminate);
            var readiness = await NextStatusAsync(watch.ResponseStream, timeout.Token);
            proxy.Release();
            placed = (await placing.ResponseAsync).Order;
            using var exitWait = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token);
            exitWait.CancelAfter(mesh.Options.StopTimeout);
            var exitCode = await orders.WaitForExitAsync(exitWait.Token);

            Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, readiness);
            Assert.Equal(OrderState.Confirmed, placed.State);
            Assert.True(exitCode == 0, $"orders exited with {exitCode} after SIGTERM\n{fixture.RecentOutput()}");
        }
        finally
        {
            proxy.Release();
            await mesh.StopServiceAsync(MeshService.Orders, StopSignal.Terminate, CancellationToken.None);
            await mesh.StartServiceAsync(MeshService.Orders, extraEnvironment: null, timeout.Token);
        }

        // The order committed during the drain is still there after the restart.
        using var restarted = fixture.Channel(MeshService.Orders);
        var fetched = await new OrderService.OrderServiceClient(restarted)
            .GetOrderAsync(new GetOrderRequest { OrderId = placed.OrderId }, deadline: Deadlines.Call());
        Assert.Equal(placed.OrderId, fetched.Order.OrderId);
    }

    private static async Task<HealthCheckResponse.Types.ServingStatus?> NextStatusAsync(
        IAsyncStreamReader<HealthCheckResponse> stream, CancellationToken cancellationToken)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(TimeSpan.FromSeconds(15));
        try
        {
            // A Watch repeats SERVING only if something else changed; the first different status is the flip.
            while (await stream.MoveNext(bounded.Token))
            {
                if (stream.Current.Status != HealthCheckResponse.Types.ServingStatus.Serving)
                {
                    return stream.Current.Status;
                }
            }
        }
        catch (RpcException)
        {
            // The stream ended (UNAVAILABLE on drain) before any flip was sent.
        }

        return null;
    }
}
