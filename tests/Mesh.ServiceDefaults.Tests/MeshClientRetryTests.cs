using ProtoService = Google.Protobuf.Reflection.ServiceDescriptor;
using Grpc.Core;
using Grpc.Health.V1;
using HealthApi = Grpc.Health.V1.Health;
using Mesh.Inventory.V1;
using Mesh.Orders.V1;
using Mesh.ServiceDefaults.Clients;
using Mesh.Users.V1;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Mesh.ServiceDefaults.Tests;

/// <summary>
/// Retries are decided per method by the contract's <c>idempotency_level</c>: an in-mesh client
/// over real sockets repeats an idempotent call that failed with UNAVAILABLE, and never repeats a
/// method that declares nothing, nor any call that failed with another status.
/// </summary>
public sealed class MeshClientRetryTests : IAsyncLifetime
{
    private readonly FlakyServer _server = new();
    private WebApplication _app = null!;
    private WebApplication _client = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration["urls"] = "http://127.0.0.1:0";
        // Plaintext HTTP/2 only, as the services listen (h2c without TLS negotiation).
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureEndpointDefaults(endpoint => endpoint.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(_server);
        _app = builder.Build();
        _app.MapGrpcService<FlakyUsers>();
        _app.MapGrpcService<FlakyHealth>();
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();

        var client = WebApplication.CreateBuilder();
        client.Configuration["Mesh:Services:Users:Address"] = address;
        client.Configuration["Mesh:Services:Health:Address"] = address;
        client.AddMeshClient<UserService.UserServiceClient>("Users", UserService.Descriptor);
        client.AddMeshClient<HealthApi.HealthClient>("Health", HealthApi.Descriptor);
        _client = client.Build();
    }

    public async Task DisposeAsync()
    {
        await _client.DisposeAsync();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task IdempotentMethod_FailingOnceWithUnavailable_IsRetriedAndSucceeds()
    {
        _server.FailNext(1, StatusCode.Unavailable);

        var reply = await Users.GetUserAsync(new GetUserRequest(), deadline: DateTime.UtcNow.AddSeconds(5));

        Assert.Equal("served", reply.User.DisplayName);
        Assert.Equal(2, _server.Attempts);
    }

    [Fact]
    public async Task IdempotentMethod_FailingWithAnotherStatus_IsNotRetried()
    {
        _server.FailNext(1, StatusCode.Internal);

        var failure = await Assert.ThrowsAsync<RpcException>(() => Users.GetUserAsync(new GetUserRequest(), deadline: DateTime.UtcNow.AddSeconds(5)).ResponseAsync);

        Assert.Equal(StatusCode.Internal, failure.StatusCode);
        Assert.Equal(1, _server.Attempts);
    }

    [Fact]
    public async Task MethodWithoutIdempotencyLevel_IsNeverRetried()
    {
        _server.FailNext(1, StatusCode.Unavailable);
        var health = _client.Services.GetRequiredService<HealthApi.HealthClient>();

        var failure = await Assert.ThrowsAsync<RpcException>(() => health.CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(5)).ResponseAsync);

        Assert.Equal(StatusCode.Unavailable, failure.StatusCode);
        Assert.Equal(1, _server.Attempts);
    }

    [Fact]
    public async Task IdempotentMethod_AlwaysUnavailable_StopsAfterMaxAttempts()
    {
        _server.FailNext(100, StatusCode.Unavailable);

        var failure = await Assert.ThrowsAsync<RpcException>(() => Users.GetUserAsync(new GetUserRequest(), deadline: DateTime.UtcNow.AddSeconds(5)).ResponseAsync);

        Assert.Equal(StatusCode.Unavailable, failure.StatusCode);
        Assert.Equal(new MeshClientOptions().MaxAttempts, _server.Attempts);
    }

    [Fact]
    public async Task BurstOfFailures_AsWhenAReplicaDies_IsRetriedWithinTheBudget()
    {
        // Twenty calls in flight fail at once, as on a replica that was just killed: the first
        // attempt of each fails, whenever it arrives, and every later attempt succeeds.
        _server.FailFirstAttemptOfEachCall(StatusCode.Unavailable);

        var replies = await Task.WhenAll(Enumerable.Range(0, 20).Select(call =>
            Users.GetUserAsync(new GetUserRequest { UserId = $"call-{call}" }, deadline: DateTime.UtcNow.AddSeconds(5)).ResponseAsync));

        Assert.All(replies, reply => Assert.Equal("served", reply.User.DisplayName));
        Assert.Equal(40, _server.Attempts);
    }

    [Fact]
    public void EveryMeshMethod_DeclaresWhetherItIsSafeToRetry()
    {
        ProtoService[] services = [UserService.Descriptor, InventoryService.Descriptor, OrderService.Descriptor];

        var undeclared = services.SelectMany(service => service.Methods).Where(method => !RetryableMethods.IsRetryable(method)).Select(method => method.FullName);

        Assert.Empty(undeclared);
    }

    [Fact]
    public void RetryableMethods_NameEachMethodOfTheService()
    {
        var names = RetryableMethods.Of(InventoryService.Descriptor).Select(name => $"{name.Service}/{name.Method}").ToList();

        Assert.Equal(InventoryService.Descriptor.Methods.Count, names.Count);
        Assert.Contains("mesh.inventory.v1.InventoryService/ReserveStock", names);
        Assert.Empty(RetryableMethods.Of(HealthApi.Descriptor));
    }

    private UserService.UserServiceClient Users => _client.Services.GetRequiredService<UserService.UserServiceClient>();

    /// <summary>Counts attempts and fails the next N of them, or the first attempt of each call, with a chosen status.</summary>
    public sealed class FlakyServer
    {
        private int _attempts;
        private int _failuresLeft;
        private StatusCode _status;
        private volatile bool _failFirstAttempts;
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> _seenCalls = new(StringComparer.Ordinal);

        public int Attempts => Volatile.Read(ref _attempts);

        public void FailNext(int count, StatusCode status)
        {
            _status = status;
            Volatile.Write(ref _failuresLeft, count);
        }

        public void FailFirstAttemptOfEachCall(StatusCode status)
        {
            _status = status;
            _failFirstAttempts = true;
        }

        public void Attempt(string call = "")
        {
            Interlocked.Increment(ref _attempts);
            if (_failFirstAttempts)
            {
                if (_seenCalls.TryAdd(call, true))
                {
                    throw new RpcException(new Status(_status, "injected"));
                }

                return;
            }

            if (Interlocked.Decrement(ref _failuresLeft) >= 0)
            {
                throw new RpcException(new Status(_status, "injected"));
            }
        }
    }

    private sealed class FlakyUsers(FlakyServer server) : UserService.UserServiceBase
    {
        public override Task<GetUserResponse> GetUser(GetUserRequest request, ServerCallContext context)
        {
            server.Attempt(request.UserId);
            return Task.FromResult(new GetUserResponse { User = new User { DisplayName = "served" } });
        }
    }

    private sealed class FlakyHealth(FlakyServer server) : HealthApi.HealthBase
    {
        public override Task<HealthCheckResponse> Check(HealthCheckRequest request, ServerCallContext context)
        {
            server.Attempt();
            return Task.FromResult(new HealthCheckResponse { Status = HealthCheckResponse.Types.ServingStatus.Serving });
        }
    }
}
