using System.Diagnostics;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using HdrHistogram;
using Mesh.Bench.Load;
using Mesh.Bench.Report;
using Mesh.Bench.Setup;
using Mesh.Launcher;

namespace Mesh.Bench.Scenarios;

/// <summary>
/// Scenario 6: start-up, process start to readiness SERVING, one service at a time while the other
/// two run (so the machine is otherwise quiet), each restarted with SIGTERM and started again through
/// MeshLauncher. The launcher polls readiness every 200 ms; the harness polls every 10 ms beside it
/// so the number is not rounded up to the launcher's poll.
/// </summary>
public static class StartupScenario
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    public static async Task RunAsync(BenchContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var launcher = context.Mesh.Launcher;
        if (launcher is null)
        {
            foreach (var name in MeshTarget.ServiceNames)
            {
                context.Add(ScenarioRow.NotRun("startup-" + name, $"start-up: {name}", "needs a mesh this run started (it restarts processes)"));
            }

            return;
        }

        if (context.Mesh.StartTime is TimeSpan all)
        {
            var histogram = new LongHistogram(1, 300_000_000, 3);
            histogram.RecordValue((long)(all.TotalMilliseconds * 1000));
            context.Add(ScenarioRow.Measured("startup-mesh", "start-up: all three at once, empty data (MeshLauncher.StartAsync)",
                StartupResult(histogram, 1), [], "200 ms readiness poll: reads up to 200 ms high"));
        }

        foreach (var name in MeshTarget.ServiceNames)
        {
            BenchContext.Say($"start-up of {name}: SIGTERM, start, time to SERVING (x{context.Profile.StartupRepetitions})");
            var service = MeshTarget.ServiceOf(name);
            var histogram = new LongHistogram(1, 300_000_000, 3);
            await using var monitor = context.StartMonitor();
            for (var i = 0; i < context.Profile.StartupRepetitions; i++)
            {
                await launcher.StopServiceAsync(service, StopSignal.Terminate, context.CancellationToken).ConfigureAwait(false);
                var started = Stopwatch.GetTimestamp();
                var start = launcher.StartServiceAsync(service, extraEnvironment: null, context.CancellationToken);
                var serving = await PollUntilServingAsync(context.Mesh.AddressOf(name), start, context.CancellationToken).ConfigureAwait(false);
                await start.ConfigureAwait(false);
                histogram.RecordValue((long)(Stopwatch.GetElapsedTime(started, serving).TotalMilliseconds * 1000));
            }

            var usage = await monitor.StopAsync().ConfigureAwait(false);
            context.Add(ScenarioRow.Measured("startup-" + name, $"start-up: {name} (process start to SERVING)",
                StartupResult(histogram, context.Profile.StartupRepetitions), usage,
                "restarted on the data the load left behind"));
        }
    }

    private static LoadResult StartupResult(LongHistogram histogram, int repetitions) =>
        new("start-up", null, repetitions, 0, histogram.TotalCount, 0, new Dictionary<string, long>(), 0, LatencySummary.FromMicroseconds(histogram));

    /// <summary>Returns the timestamp of the first SERVING answer on the health name "readiness".</summary>
    private static async Task<long> PollUntilServingAsync(Uri address, Task launcherStart, CancellationToken cancellationToken)
    {
        using var channel = GrpcChannel.ForAddress(address);
        var health = new Health.HealthClient(channel);
        var until = Stopwatch.GetTimestamp() + (long)(StartTimeout.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < until)
        {
            if (launcherStart.IsFaulted)
            {
                await launcherStart.ConfigureAwait(false); // throws the launcher's reason
            }

            try
            {
                var reply = await health.CheckAsync(new HealthCheckRequest { Service = ReadinessProbe.HealthName },
                    deadline: DateTime.UtcNow.AddSeconds(1), cancellationToken: cancellationToken).ConfigureAwait(false);
                if (reply.Status == HealthCheckResponse.Types.ServingStatus.Serving)
                {
                    return Stopwatch.GetTimestamp();
                }
            }
            catch (RpcException)
            {
                // Not listening yet.
            }

            await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
        }

        throw new TimeoutException($"{address} was not SERVING within {StartTimeout.TotalSeconds:0} s.");
    }
}
