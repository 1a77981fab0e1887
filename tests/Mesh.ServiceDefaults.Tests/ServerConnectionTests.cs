using System.Net;
using System.Net.Sockets;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Mesh.ServiceDefaults.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Mesh.ServiceDefaults.Tests;

/// <summary>What every connection gets from the server: retirement at its maximum age (GOAWAY, so clients reconnect without a failed call) and the name of the replica on every response.</summary>
public sealed class ServerConnectionTests
{
    [Theory]
    [InlineData(0.0, 900)]
    [InlineData(0.5, 1000)]
    [InlineData(0.999999, 1100)]
    public void AgeFor_MovesTheAgeByUpToTheJitter(double unit, int expectedMilliseconds)
    {
        var options = new ConnectionAgeOptions { MaxAge = TimeSpan.FromSeconds(1), MaxAgeJitter = 0.1 };

        Assert.Equal(expectedMilliseconds, options.AgeFor(unit).TotalMilliseconds, precision: 0);
    }

    [Fact]
    public async Task Calls_OverManyMaxAges_ReconnectEachTimeAndNeverFail()
    {
        await using var server = await StartAsync(maxAge: "00:00:00.400");
        var connects = 0;
        using var channel = Channel(server, () => Interlocked.Increment(ref connects));
        var health = new Grpc.Health.V1.Health.HealthClient(channel);

        // Calls until five connections have been used, or 15 s: each retirement must lead to a
        // new connection, with no failed call, however slowly a busy machine runs the loop.
        var calls = 0;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (Volatile.Read(ref connects) < 5 && clock.Elapsed < TimeSpan.FromSeconds(15))
        {
            var reply = await health.CheckAsync(new HealthCheckRequest { Service = "liveness" }, deadline: DateTime.UtcNow.AddSeconds(5));
            Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, reply.Status);
            calls++;
            await Task.Delay(20);
        }

        Assert.Equal(5, connects);
        // Connections live 0.36–0.44 s: five of them take at least four ages.
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(4 * 0.36), $"five connections in {clock.Elapsed.TotalSeconds:F2} s ({calls} calls): retired before their age");
    }

    [Fact]
    public async Task Stream_OnARetiredConnection_EndsAtOnceWithUnavailable()
    {
        await using var server = await StartAsync(maxAge: "00:00:00.500", grace: "00:00:30");
        using var channel = Channel(server, () => { });
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var watch = new Grpc.Health.V1.Health.HealthClient(channel).Watch(new HealthCheckRequest { Service = "liveness" });

        var failure = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            while (await watch.ResponseStream.MoveNext(CancellationToken.None))
            {
            }
        });

        // Ended by the retirement (0.45–0.55 s), long before the 30 s grace would have cut it.
        Assert.Equal(StatusCode.Unavailable, failure.StatusCode);
        Assert.Contains("retired", failure.Status.Detail, StringComparison.Ordinal);
        Assert.InRange(clock.Elapsed.TotalSeconds, 0.4, 5);
    }

    [Fact]
    public async Task Calls_WithAgeingOff_StayOnOneConnection()
    {
        await using var server = await StartAsync(maxAge: "00:00:00");
        var connects = 0;
        using var channel = Channel(server, () => Interlocked.Increment(ref connects));
        var health = new Grpc.Health.V1.Health.HealthClient(channel);

        var until = DateTime.UtcNow.AddSeconds(1.5);
        while (DateTime.UtcNow < until)
        {
            await health.CheckAsync(new HealthCheckRequest { Service = "liveness" }, deadline: DateTime.UtcNow.AddSeconds(5));
            await Task.Delay(20);
        }

        Assert.Equal(1, connects);
    }

    [Fact]
    public async Task Responses_NameTheReplicaThatServedThem()
    {
        await using var server = await StartAsync(maxAge: "00:00:00", replicaName: "inventory-7");
        using var channel = Channel(server, () => { });
        using var call = new Grpc.Health.V1.Health.HealthClient(channel).CheckAsync(new HealthCheckRequest { Service = "liveness" });

        var headers = await call.ResponseHeadersAsync;

        Assert.Equal("inventory-7", headers.GetValue(MeshDefaults.ReplicaHeader));
    }

    private static GrpcChannel Channel(WebApplication server, Action onConnect)
    {
        var address = server.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellationToken) =>
            {
                onConnect();
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            },
        };
        return GrpcChannel.ForAddress(address, new GrpcChannelOptions { HttpHandler = handler });
    }

    private static async Task<WebApplication> StartAsync(string maxAge, string? replicaName = null, string grace = "00:00:05")
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration["Mesh:ReplicaName"] = replicaName;
        builder.Configuration["urls"] = "http://127.0.0.1:0";
        builder.Configuration["Mesh:Connections:MaxAge"] = maxAge;
        builder.Configuration["Mesh:Connections:MaxAgeGrace"] = grace;
        builder.AddMeshDefaults("probe");
        var app = builder.Build();
        app.MapMeshDefaults();
        await app.StartAsync();
        return app;
    }
}
