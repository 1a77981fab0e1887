using System.Diagnostics;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Mesh.Inventory.V1;
using Mesh.Launcher;
using Mesh.ServiceDefaults.Clients;
using Mesh.ServiceDefaults.Hosting;
using Mesh.Testing.Postgres;
using Npgsql;
using Xunit.Abstractions;

namespace Mesh.CrossService.Tests.Replicas;

/// <summary>
/// A replica that turns NOT_SERVING — here because its own link to the database is cut, as in a
/// network partition — stops receiving calls from balancing clients within a second, and gets
/// them again once the link is back and it reports SERVING. Real processes; the client does not
/// retry, so every call that reached the replica is seen.
/// </summary>
[Collection(ReplicaCollection.Name)]
public sealed class NotReadyTests(ReplicaMeshFixture mesh, ITestOutputHelper output)
{
    private const int Replica = 5;

    [PostgresFact]
    public async Task A_replica_that_loses_its_database_stops_getting_calls_within_a_second_and_gets_them_again_when_it_is_ready()
    {
        var database = new NpgsqlConnectionStringBuilder(mesh.ConnectionStringOf(MeshService.Inventory));
        await using var link = new SeverableLink(database.Host!, database.Port);
        database.Host = "127.0.0.1";
        database.Port = link.Port;
        // Readiness is re-checked every 250 ms (the fixture's setting); the cut link refuses at once.
        var address = await mesh.AddReplicaAsync(MeshService.Inventory, Replica, new Dictionary<string, string?>
        {
            ["Mesh__Storage__ConnectionString"] = database.ConnectionString,
        });
        var name = ReplicaMeshFixture.ReplicaName(MeshService.Inventory, Replica);
        using var channel = MeshChannels.Create($"static:///{mesh.AddressOf(MeshService.Inventory, 0).Authority},{address.Authority}", new MeshClientOptions());
        var inventory = new InventoryService.InventoryServiceClient(channel);
        var item = await TestData.CreateItemAsync(inventory, priceMinor: 100, quantity: 1);
        var readiness = new ReadinessLog(address);
        var calls = new List<(TimeSpan At, string Replica, StatusCode Status)>();
        var clock = Stopwatch.StartNew();

        async Task CallAsync()
        {
            var started = clock.Elapsed;
            using var reply = inventory.GetItemAsync(new GetItemRequest { Sku = item.Sku }, deadline: Deadlines.Call());
            var replica = "(no answer)";
            try
            {
                // A failed call still names the replica that answered it, in its headers.
                replica = (await reply.ResponseHeadersAsync).GetValue(MeshDefaults.ReplicaHeader) ?? "(none)";
                await reply.ResponseAsync;
                calls.Add((started, replica, StatusCode.OK));
            }
            catch (RpcException exception)
            {
                calls.Add((started, replica, exception.StatusCode));
            }

            await Task.Delay(10);
        }

        using var watching = Deadlines.After(60);
        var watch = readiness.WatchAsync(clock, watching.Token);
        await readiness.ServingAsync.WaitAsync(TimeSpan.FromSeconds(10));
        for (var call = 0; call < 40; call++)
        {
            await CallAsync();
        }

        var severedAt = clock.Elapsed;
        readiness.ExpectChange();
        link.Sever();
        while (clock.Elapsed < severedAt + TimeSpan.FromSeconds(4))
        {
            await CallAsync();
        }

        var notServingAt = await readiness.NotServingAsync.WaitAsync(TimeSpan.FromSeconds(1));
        link.Restore();
        var restoredAt = clock.Elapsed;
        var servingAgainAt = TimeSpan.Zero;
        var backAt = TimeSpan.Zero;
        while (clock.Elapsed < restoredAt + TimeSpan.FromSeconds(15) && backAt == TimeSpan.Zero)
        {
            await CallAsync();
            servingAgainAt = readiness.ServingAgainAt ?? TimeSpan.Zero;
            backAt = calls.LastOrDefault(c => c.Replica == name && c.Status == StatusCode.OK && c.At > restoredAt).At;
        }

        await watching.CancelAsync();
        await watch;

        var lastReached = calls.Where(c => c.Replica == name && c.At > severedAt && c.At < restoredAt).Select(c => c.At).DefaultIfEmpty(severedAt).Max();
        output.WriteLine($"link cut at {severedAt.TotalSeconds:F2} s; NOT_SERVING at {notServingAt.TotalSeconds:F2} s; last call to {name} started at {lastReached.TotalSeconds:F2} s; "
            + $"calls failed while it was still SERVING: {calls.Count(c => c.Status != StatusCode.OK && c.At < notServingAt)}; link restored at {restoredAt.TotalSeconds:F2} s; "
            + $"SERVING again at {servingAgainAt.TotalSeconds:F2} s; first call back at {backAt.TotalSeconds:F2} s");
        Assert.Contains(calls, c => c.Replica == name && c.Status == StatusCode.OK && c.At < severedAt);
        Assert.True(lastReached <= notServingAt + TimeSpan.FromSeconds(1), $"{name} still got a call {(lastReached - notServingAt).TotalSeconds:F2} s after it reported NOT_SERVING");
        Assert.DoesNotContain(calls, c => c.Status != StatusCode.OK && c.At > notServingAt + TimeSpan.FromSeconds(1) && c.At < restoredAt);
        Assert.NotEqual(TimeSpan.Zero, backAt);
    }

    /// <summary>The replica's readiness as its own health watch reports it, with the test clock's times.</summary>
    private sealed class ReadinessLog(Uri address)
    {
        private readonly TaskCompletionSource serving = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource<TimeSpan> notServing = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private volatile bool expectingChange;

        public Task ServingAsync => serving.Task;

        public Task<TimeSpan> NotServingAsync => notServing.Task;

        public TimeSpan? ServingAgainAt { get; private set; }

        /// <summary>From now on a NOT_SERVING counts: one before (a slow check while the replica warms up) is not the test's.</summary>
        public void ExpectChange() => expectingChange = true;

        public async Task WatchAsync(Stopwatch clock, CancellationToken cancellationToken)
        {
            using var channel = GrpcChannel.ForAddress(address);
            var health = new Health.HealthClient(channel);
            try
            {
                using var watch = health.Watch(new HealthCheckRequest { Service = "readiness" }, cancellationToken: cancellationToken);
                await foreach (var change in watch.ResponseStream.ReadAllAsync(cancellationToken))
                {
                    if (change.Status == HealthCheckResponse.Types.ServingStatus.Serving)
                    {
                        if (notServing.Task.IsCompleted)
                        {
                            ServingAgainAt ??= clock.Elapsed;
                        }

                        serving.TrySetResult();
                    }
                    else if (expectingChange)
                    {
                        notServing.TrySetResult(clock.Elapsed);
                    }
                }
            }
            catch (RpcException exception) when (exception.StatusCode == StatusCode.Cancelled && cancellationToken.IsCancellationRequested)
            {
                // The test is done watching.
            }
        }
    }
}
