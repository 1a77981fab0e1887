using System.Net;
using System.Net.Sockets;
using Grpc.Core;
using Mesh.ServiceDefaults.Clients;
using Mesh.ServiceDefaults.Health;
using Mesh.ServiceDefaults.Hosting;
using Mesh.Users.V1;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Mesh.ServiceDefaults.Tests;

/// <summary>
/// An in-mesh client (<c>AddMeshClient</c>) whose peer is not up yet, or not ready, over real
/// sockets: calls wait for the peer within their deadline rather than failing while the
/// connection is in its reconnect backoff — the first order after `dotnet run` must not fail
/// because orders tried inventory a moment before inventory listened.
/// </summary>
public sealed class MeshClientConnectionTests
{
    [Fact]
    public async Task Call_PeerStartsAfterTheClientFailedToConnect_SucceedsOncePeerListens()
    {
        var port = FreePort();
        await using var client = await ClientHost.StartAsync($"http://127.0.0.1:{port}");

        // Nothing listens yet: the call waits for a connection and ends at its deadline, never sooner.
        var early = await Assert.ThrowsAsync<RpcException>(() =>
            client.Users.GetUserAsync(new GetUserRequest(), deadline: DateTime.UtcNow.AddMilliseconds(400)).ResponseAsync);
        Assert.Equal(StatusCode.DeadlineExceeded, early.StatusCode);
        // Several failed connects grow the reconnect backoff before the peer appears.
        await Task.Delay(TimeSpan.FromSeconds(1.5));

        await using var peer = await Peer.StartAsync(port, ready: true);
        var reply = await client.Users.GetUserAsync(new GetUserRequest(), deadline: DateTime.UtcNow.AddSeconds(5));

        Assert.Equal("peer", reply.User.DisplayName);
    }

    [Fact]
    public async Task Call_NoEndpointServing_WaitsForOneToServe()
    {
        await using var peer = await Peer.StartAsync(FreePort(), ready: false);
        await using var client = await ClientHost.StartAsync($"static:///127.0.0.1:{peer.Port}");

        var call = client.Users.GetUserAsync(new GetUserRequest(), deadline: DateTime.UtcNow.AddSeconds(10)).ResponseAsync;
        // Longer than every retry of a failed pick would take together.
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        Assert.False(call.IsCompleted, "a call with no serving endpoint should wait within its deadline, not fail");
        peer.Readiness.Ready = true;

        Assert.Equal("peer", (await call).User.DisplayName);
    }

    [Fact]
    public async Task Call_PeerNeverComes_EndsAtItsDeadline()
    {
        await using var client = await ClientHost.StartAsync($"http://127.0.0.1:{FreePort()}");

        var failure = await Assert.ThrowsAsync<RpcException>(() =>
            client.Users.GetUserAsync(new GetUserRequest(), deadline: DateTime.UtcNow.AddSeconds(1)).ResponseAsync);

        Assert.Equal(StatusCode.DeadlineExceeded, failure.StatusCode);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed class ClientHost(WebApplication app) : IAsyncDisposable
    {
        public UserService.UserServiceClient Users { get; } = app.Services.GetRequiredService<UserService.UserServiceClient>();

        public static Task<ClientHost> StartAsync(string address)
        {
            var builder = WebApplication.CreateBuilder();
            builder.Configuration["Mesh:Services:Users:Address"] = address;
            builder.AddMeshClient<UserService.UserServiceClient>("Users", UserService.Descriptor);
            return Task.FromResult(new ClientHost(builder.Build()));
        }

        public ValueTask DisposeAsync() => app.DisposeAsync();
    }

    private sealed class Peer(WebApplication app, int port, ProbeHost.ToggleReadinessCheck readiness) : IAsyncDisposable
    {
        public int Port => port;

        public ProbeHost.ToggleReadinessCheck Readiness => readiness;

        public static async Task<Peer> StartAsync(int port, bool ready)
        {
            var readiness = new ProbeHost.ToggleReadinessCheck { Ready = ready };
            var builder = WebApplication.CreateBuilder();
            builder.Configuration["urls"] = $"http://127.0.0.1:{port}";
            builder.Configuration["Mesh:Health:CheckInterval"] = "00:00:00.050";
            builder.AddMeshDefaults("peer");
            builder.Services.AddSingleton<IReadinessCheck>(readiness);
            var app = builder.Build();
            app.MapMeshDefaults();
            app.MapGrpcService<PeerUsers>();
            await app.StartAsync();
            return new Peer(app, port, readiness);
        }

        public ValueTask DisposeAsync() => app.DisposeAsync();
    }

    private sealed class PeerUsers : UserService.UserServiceBase
    {
        public override Task<GetUserResponse> GetUser(GetUserRequest request, ServerCallContext context) =>
            Task.FromResult(new GetUserResponse { User = new User { DisplayName = "peer" } });
    }
}
