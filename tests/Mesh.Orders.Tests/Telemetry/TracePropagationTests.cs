using System.Diagnostics;
using Grpc.Net.Client;
using Mesh.Common.V1;
using Mesh.Inventory.Api;
using Mesh.Inventory.V1;
using Mesh.Orders.Api;
using Mesh.Orders.V1;
using Mesh.ServiceDefaults.Http;
using Mesh.Testing;
using Mesh.Users.Api;
using Mesh.Users.V1;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;

namespace Mesh.Orders.Tests.Telemetry;

/// <summary>
/// The three services on real Kestrel sockets in one process, so W3C trace context has to
/// travel in gRPC metadata exactly as between pods; an in-memory exporter collects the spans.
/// </summary>
public sealed class TracePropagationTests : IDisposable
{
    private readonly SpanList _spans = new();
    private readonly MeshServiceFactory<UserGrpcService> _users = new();
    private readonly MeshServiceFactory<InventoryGrpcService> _inventory = new();
    private readonly MeshServiceFactory<OrderGrpcService> _orders = new();

    [Fact]
    public async Task PlaceOrder_AcrossThreeServices_IsOneTrace()
    {
        var usersPort = StartOnKestrel(_users);
        var inventoryPort = StartOnKestrel(_inventory);
        _orders
            .WithSetting("Mesh:Services:Users:Address", $"http://127.0.0.1:{usersPort}")
            .WithSetting("Mesh:Services:Inventory:Address", $"http://127.0.0.1:{inventoryPort}")
            // Activities are process-wide, so orders' tracer also sees the other two hosts' server spans.
            .WithServices(services => services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(_spans)));
        var ordersPort = StartOnKestrel(_orders);

        using var usersChannel = GrpcChannel.ForAddress($"http://127.0.0.1:{usersPort}");
        using var inventoryChannel = GrpcChannel.ForAddress($"http://127.0.0.1:{inventoryPort}");
        using var ordersChannel = GrpcChannel.ForAddress($"http://127.0.0.1:{ordersPort}");
        var user = await new UserService.UserServiceClient(usersChannel).CreateUserAsync(new CreateUserRequest
        {
            RequestId = Guid.NewGuid().ToString(),
            Email = "tracer@example.test",
            DisplayName = "Tracer",
        });
        await new InventoryService.InventoryServiceClient(inventoryChannel).CreateItemAsync(new CreateItemRequest
        {
            Sku = "TRACE-1",
            Name = "Traced item",
            UnitPrice = new Money { CurrencyCode = "USD", AmountMinor = 100 },
            InitialQuantity = 5,
        });
        _spans.Clear();

        // The caller's own span starts the trace; other tests in this process make spans too,
        // so only spans of this trace count.
        using var caller = new Activity("test-caller").SetIdFormat(ActivityIdFormat.W3C);
        caller.ActivityTraceFlags = ActivityTraceFlags.Recorded; // sampled, so the services record their spans
        caller.Start();
        var placed = await new OrderService.OrderServiceClient(ordersChannel).PlaceOrderAsync(new PlaceOrderRequest
        {
            RequestId = Guid.NewGuid().ToString(),
            UserId = user.User.UserId,
            Lines = { new PlaceOrderLine { Sku = "TRACE-1", Quantity = 2 } },
        });
        caller.Stop();
        Assert.Equal(OrderState.Confirmed, placed.Order.State);

        var root = await WaitForServerSpanAsync(caller.TraceId, "/mesh.orders.v1.OrderService/PlaceOrder");
        foreach (var method in new[]
        {
            "/mesh.users.v1.UserService/GetUser",
            "/mesh.inventory.v1.InventoryService/ReserveStock",
        })
        {
            var server = await WaitForServerSpanAsync(caller.TraceId, method);
            Assert.Equal(root.TraceId, server.TraceId);
            // The downstream server span's parent is a client span that orders created.
            var parent = Snapshot().SingleOrDefault(span => span.SpanId == server.ParentSpanId);
            Assert.NotNull(parent);
            Assert.Equal(ActivityKind.Client, parent.Kind);
            Assert.Equal(root.TraceId, parent.TraceId);
        }
    }

    public void Dispose()
    {
        _orders.Dispose();
        _inventory.Dispose();
        _users.Dispose();
    }

    private static int StartOnKestrel<T>(MeshServiceFactory<T> factory)
        where T : class
    {
        factory.StartOnKestrel();
        return factory.Services.GetRequiredService<MeshListeners>().GrpcPort;
    }

    private List<Activity> Snapshot() => [.. _spans.Snapshot()];

    // Server spans are exported when they end, which can be just after the client saw the response.
    private async Task<Activity> WaitForServerSpanAsync(ActivityTraceId traceId, string grpcMethod)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var span = Snapshot().FirstOrDefault(s =>
                s.TraceId == traceId && s.Kind == ActivityKind.Server && Equals(s.GetTagItem("grpc.method"), grpcMethod));
            if (span is not null)
            {
                return span;
            }

            Assert.True(DateTime.UtcNow < deadline,
                $"no server span for {grpcMethod} in trace {traceId}; saw: {string.Join(", ", Snapshot().Select(s => $"{s.TraceId} {s.Kind} {s.DisplayName}"))}");
            await Task.Delay(50);
        }
    }
}
