using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Mesh.Bench.Load;
using Mesh.Bench.Report;
using Mesh.Bench.Setup;
using Mesh.Common.V1;
using Mesh.Inventory.V1;
using Mesh.Users.V1;

namespace Mesh.Bench.Scenarios;

/// <summary>
/// Scenario 5: PlaceOrder at a fixed rate while one of three inventory replicas (PostgreSQL,
/// shared state) is killed with SIGKILL and not restarted: errors by status, the latency spike,
/// and the time until calls are as fast as before. Orders balances over the replicas by readiness
/// and retries UNAVAILABLE, so the target is zero failed calls.
/// </summary>
public static class FailoverScenario
{
    private const string Key = "failover-3-replicas";
    private const string Title = "failover: 1 of 3 inventory replicas SIGKILLed (PostgreSQL)";

    /// <summary>Where the PostgreSQL server comes from: the bench's own variable, else the tests' (tests/run-all.sh sets it).</summary>
    public static string? Server =>
        Environment.GetEnvironmentVariable("MESH_POSTGRES") is { Length: > 0 } own ? own
        : Environment.GetEnvironmentVariable("MESH_TEST_POSTGRES") is { Length: > 0 } tests ? tests
        : null;

    public static async Task RunAsync(BenchContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (Server is not { } server)
        {
            context.Add(ScenarioRow.NotRun(Key, Title, "needs a PostgreSQL server whose user may create databases: set MESH_POSTGRES (tests/run-all.sh provides one)"));
            return;
        }

        if (context.Mesh.Launcher is null)
        {
            context.Add(ScenarioRow.NotRun(Key, Title, "needs processes this run starts (it kills one)"));
            return;
        }

        var profile = context.Profile;
        BenchContext.Say($"{Title}; PlaceOrder at {profile.FailoverRate:0}/s for {profile.RestartDuration.TotalSeconds:0} s");
        await using var mesh = await ReplicatedMesh.StartAsync(server, context.ServiceEnvironment, context.Log, context.CancellationToken).ConfigureAwait(false);
        var (users, skus) = await SeedAsync(mesh, context.CancellationToken).ConfigureAwait(false);

        var samples = new ConcurrentQueue<CallSample>();
        using var channels = new ChannelSet(mesh.OrdersAddress, profile.Channels);
        var call = PlaceOrderScenario.Call(users, skus, channels);
        // Fresh processes: JIT, connection pools and the catalog cache warm up off the clock, first
        // flat out, then at the measured rate, so the run does not start on the feeds' backlog of
        // the burst (the first 3 s read a p50 of 90 ms against 20 ms after it without the second).
        await ClosedLoop.RunAsync(call, concurrency: 8, warmup: TimeSpan.Zero, measure: TimeSpan.FromSeconds(2), context.CancellationToken).ConfigureAwait(false);
        await OpenLoop.RunAsync(call, profile.FailoverRate, TimeSpan.Zero, profile.FailoverWarmup, maxInFlight: 1_024, context.CancellationToken).ConfigureAwait(false);
        await using var monitor = context.StartMonitor([.. mesh.Processes.Select(entry => (entry.Name, (Func<int?>)(() => entry.Process.HasExited ? null : entry.Process.ProcessId)))]);
        var run = OpenLoop.RunAsync(call, profile.FailoverRate, TimeSpan.Zero,
            profile.RestartDuration, maxInFlight: 1_024, context.CancellationToken, samples.Enqueue);

        await Task.Delay(profile.RestartKillAfter, context.CancellationToken).ConfigureAwait(false);
        var killAt = Stopwatch.GetTimestamp();
        await mesh.KillInventoryAsync(1, context.CancellationToken).ConfigureAwait(false);
        var exitedAt = Stopwatch.GetTimestamp();
        var result = await run.ConfigureAwait(false);
        var usage = await monitor.StopAsync().ConfigureAwait(false);

        var ordered = samples.OrderBy(sample => sample.IntendedTimestamp).ToList();
        // Nothing is restarted: "serving" is the survivors, serving all along.
        var metrics = KillWindow.Analyse(ordered, killAt, exitedAt, exitedAt);
        metrics.Remove("kill_to_serving_ms");
        var timeline = Path.Combine(context.OutputDirectory, "failover-timeline.csv");
        await File.WriteAllTextAsync(timeline, KillWindow.Timeline(ordered, killAt), context.CancellationToken).ConfigureAwait(false);
        context.Add(ScenarioRow.Measured(Key, Title, result, [.. usage.Where(entry => !MeshTarget.ServiceNames.Contains(entry.Process))],
            string.Create(CultureInfo.InvariantCulture,
                $"{metrics["window_errors"]:0} errors in the kill window, p99 there {metrics["window_p99_ms"]:0.0} ms (before: {metrics["pre_kill_p99_ms"]:0.0} ms); back to pre-kill latency {metrics["recovery_s"]:0.00} s after the kill; timeline: failover-timeline.csv"),
            metrics));
    }

    /// <summary>8 users and 8 items (a billion units each), so orders do not all queue on one item's row lock.</summary>
    private static async Task<(IReadOnlyList<string> Users, IReadOnlyList<string> Skus)> SeedAsync(ReplicatedMesh mesh, CancellationToken cancellationToken)
    {
        using var usersChannel = Grpc.Net.Client.GrpcChannel.ForAddress(mesh.UsersAddress);
        using var inventoryChannel = Grpc.Net.Client.GrpcChannel.ForAddress(mesh.InventoryAddresses[0]);
        var usersClient = new UserService.UserServiceClient(usersChannel);
        var inventoryClient = new InventoryService.InventoryServiceClient(inventoryChannel);
        var unique = Guid.NewGuid().ToString("N")[..8];
        var users = new List<string>();
        var skus = new List<string>();
        for (var index = 0; index < 8; index++)
        {
            var user = await usersClient.CreateUserAsync(new CreateUserRequest
            {
                RequestId = Guid.NewGuid().ToString(),
                Email = $"failover-{unique}-{index}@bench.mesh.dev",
                DisplayName = $"Failover bench {index}",
            }, deadline: BenchContext.CallDeadline(), cancellationToken: cancellationToken).ResponseAsync.ConfigureAwait(false);
            users.Add(user.User.UserId);
            var sku = $"FAILOVER-{unique.ToUpperInvariant()}-{index}";
            await inventoryClient.CreateItemAsync(new CreateItemRequest
            {
                Sku = sku,
                Name = $"Failover bench item {index}",
                UnitPrice = new Money { CurrencyCode = "USD", AmountMinor = 100 },
                InitialQuantity = 1_000_000_000,
            }, deadline: BenchContext.CallDeadline(), cancellationToken: cancellationToken).ResponseAsync.ConfigureAwait(false);
            skus.Add(sku);
        }

        return (users, skus);
    }
}
