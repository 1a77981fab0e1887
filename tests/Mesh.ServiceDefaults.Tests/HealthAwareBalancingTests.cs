using System.Collections.Concurrent;
using System.Diagnostics;
using Grpc.Core;
using Grpc.Net.Client;
using Mesh.ServiceDefaults.Clients;
using Mesh.ServiceDefaults.Health;
using Mesh.ServiceDefaults.Hosting;
using Mesh.Users.V1;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Mesh.ServiceDefaults.Tests;

/// <summary>
/// The in-mesh client balancer over three real Kestrel servers on loopback: calls spread per
/// request, and an endpoint whose readiness turns NOT_SERVING stops getting calls within a
/// second and gets them again when it recovers.
/// </summary>
public sealed class HealthAwareBalancingTests : IAsyncLifetime
{
    private readonly List<Backend> _backends = [];

    public async Task InitializeAsync()
    {
        for (var index = 0; index < 3; index++)
        {
            _backends.Add(await Backend.StartAsync($"backend-{index}"));
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var backend in _backends)
        {
            await backend.DisposeAsync();
        }
    }

    [Fact]
    public async Task Calls_SpreadOverEveryServingEndpoint_WithinTwentyPercentOfTheMean()
    {
        using var channel = BalancedChannel();
        var client = new UserService.UserServiceClient(channel);

        const int Calls = 600;
        for (var call = 0; call < Calls; call++)
        {
            await client.GetUserAsync(new GetUserRequest(), deadline: DateTime.UtcNow.AddSeconds(5));
        }

        var mean = Calls / 3.0;
        Assert.All(_backends, backend => Assert.InRange(backend.Calls, mean * 0.8, mean * 1.2));
    }

    [Fact]
    public async Task Endpoint_TurningNotServing_StopsGettingCallsWithinASecond_AndGetsThemAgainWhenItRecovers()
    {
        using var channel = BalancedChannel();
        var client = new UserService.UserServiceClient(channel);
        var answeredBy = new ConcurrentQueue<(TimeSpan At, string Backend)>();
        var clock = Stopwatch.StartNew();

        async Task CallForAsync(TimeSpan duration)
        {
            var until = clock.Elapsed + duration;
            while (clock.Elapsed < until)
            {
                var reply = await client.GetUserAsync(new GetUserRequest(), deadline: DateTime.UtcNow.AddSeconds(5));
                answeredBy.Enqueue((clock.Elapsed, reply.User.DisplayName));
                await Task.Delay(5);
            }
        }

        await CallForAsync(TimeSpan.FromSeconds(1));
        var draining = _backends[1];
        Assert.Contains(answeredBy, answer => answer.Backend == draining.Name);

        // Readiness NOT_SERVING: from one second on, no call may reach it, and no call fails.
        var turnedAt = clock.Elapsed;
        draining.Readiness.Ready = false;
        await CallForAsync(TimeSpan.FromSeconds(2));
        var lastWhileDraining = answeredBy.Where(answer => answer.At > turnedAt && answer.Backend == draining.Name).Select(answer => answer.At - turnedAt).DefaultIfEmpty().Max();
        Assert.True(lastWhileDraining < TimeSpan.FromSeconds(1), $"the NOT_SERVING endpoint still got a call {lastWhileDraining.TotalMilliseconds:F0} ms later");
        Assert.Contains(answeredBy, answer => answer.At > turnedAt + TimeSpan.FromSeconds(1) && answer.Backend == _backends[0].Name);
        Assert.Contains(answeredBy, answer => answer.At > turnedAt + TimeSpan.FromSeconds(1) && answer.Backend == _backends[2].Name);

        // SERVING again: it is picked again within a second.
        var recoveredAt = clock.Elapsed;
        draining.Readiness.Ready = true;
        await CallForAsync(TimeSpan.FromSeconds(1.5));
        var firstAfterRecovery = answeredBy.Where(answer => answer.At > recoveredAt && answer.Backend == draining.Name).Select(answer => answer.At - recoveredAt).DefaultIfEmpty(TimeSpan.MaxValue).Min();
        Assert.True(firstAfterRecovery < TimeSpan.FromSeconds(1), "the recovered endpoint got no call within a second");
    }

    [Fact]
    public async Task EveryEndpointNotServing_CallsFailFastWithUnavailable()
    {
        using var channel = BalancedChannel();
        var client = new UserService.UserServiceClient(channel);
        await client.GetUserAsync(new GetUserRequest(), deadline: DateTime.UtcNow.AddSeconds(5));

        _backends.ForEach(backend => backend.Readiness.Ready = false);
        await Task.Delay(TimeSpan.FromSeconds(1));

        var exception = await Assert.ThrowsAsync<RpcException>(() =>
            client.GetUserAsync(new GetUserRequest(), deadline: DateTime.UtcNow.AddSeconds(5)).ResponseAsync);
        Assert.Equal(StatusCode.Unavailable, exception.StatusCode);
    }

    [Fact]
    public async Task MeshClient_WithAStaticEndpointList_BalancesOverTheServingReplicas()
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration["Mesh:Services:Users:Address"] = "static:///" + string.Join(',', _backends.Select(backend => $"127.0.0.1:{backend.Port}"));
        builder.AddMeshClient<UserService.UserServiceClient>("Users", UserService.Descriptor);
        await using var host = builder.Build();
        var client = host.Services.GetRequiredService<UserService.UserServiceClient>();
        _backends[2].Readiness.Ready = false;
        await Task.Delay(TimeSpan.FromSeconds(0.5));

        for (var call = 0; call < 200; call++)
        {
            await client.GetUserAsync(new GetUserRequest(), deadline: DateTime.UtcNow.AddSeconds(5));
        }

        Assert.InRange(_backends[0].Calls, 80, 120);
        Assert.InRange(_backends[1].Calls, 80, 120);
        Assert.Equal(0, _backends[2].Calls);
    }

    [Theory]
    [InlineData("static:///127.0.0.1:5001,127.0.0.2:5001", "127.0.0.1:5001,127.0.0.2:5001")]
    [InlineData("static:///[::1]:7000", "::1:7000")]
    public void EndpointList_Parse_ReadsEveryHostAndPort(string address, string expected) =>
        Assert.Equal(expected, string.Join(',', EndpointListResolverFactory.Parse(new Uri(address)).Select(endpoint => $"{endpoint.EndPoint.Host}:{endpoint.EndPoint.Port}")));

    [Theory]
    [InlineData("static:///")]
    [InlineData("static:///127.0.0.1")]
    [InlineData("static:///127.0.0.1:0")]
    [InlineData("static:///127.0.0.1:5001,host:port")]
    public void EndpointList_Parse_RejectsMalformedLists(string address) =>
        Assert.Throws<InvalidOperationException>(() => EndpointListResolverFactory.Parse(new Uri(address)));

    private GrpcChannel BalancedChannel() =>
        MeshChannels.Create("static:///" + string.Join(',', _backends.Select(backend => $"127.0.0.1:{backend.Port}")), new MeshClientOptions());

    private sealed class Backend : IAsyncDisposable
    {
        private int _calls;

        private Backend(string name) => Name = name;

        public string Name { get; }

        public int Port { get; private set; }

        public int Calls => Volatile.Read(ref _calls);

        public ProbeHost.ToggleReadinessCheck Readiness { get; } = new();

        private WebApplication App { get; set; } = null!;

        public static async Task<Backend> StartAsync(string name)
        {
            var backend = new Backend(name);
            var builder = WebApplication.CreateBuilder();
            builder.Configuration["urls"] = "http://127.0.0.1:0";
            builder.Configuration["Mesh:Health:CheckInterval"] = "00:00:00.050";
            builder.AddMeshDefaults("probe");
            builder.Services.AddSingleton<IReadinessCheck>(backend.Readiness);
            builder.Services.AddSingleton(backend);
            backend.App = builder.Build();
            backend.App.MapMeshDefaults();
            backend.App.MapGrpcService<NamedUsers>();
            await backend.App.StartAsync();
            backend.Port = new Uri(backend.App.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single()).Port;
            return backend;
        }

        public void Count() => Interlocked.Increment(ref _calls);

        public async ValueTask DisposeAsync() => await App.DisposeAsync();
    }

    /// <summary>Answers with the name of the backend that served the call.</summary>
    private sealed class NamedUsers(Backend backend) : UserService.UserServiceBase
    {
        public override Task<GetUserResponse> GetUser(GetUserRequest request, ServerCallContext context)
        {
            backend.Count();
            return Task.FromResult(new GetUserResponse { User = new User { DisplayName = backend.Name } });
        }
    }
}
