using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using HdrHistogram;
using Mesh.Bench.Load;
using Mesh.Bench.Report;
using Mesh.Bench.Setup;
using Mesh.Launcher;

namespace Mesh.Bench.Scenarios;

/// <summary>
/// The single-replica counterpart of scenario 5 (<see cref="FailoverScenario"/>): PlaceOrder at a
/// fixed rate while the only inventory process is killed with SIGKILL and started again: errors by
/// status, the latency spike, and the time to recover — what a one-replica SQLite deployment sees.
/// </summary>
public static class RestartScenario
{
    public static async Task RunAsync(BenchContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var launcher = context.Mesh.Launcher;
        var title = "single-replica restart: inventory SIGKILL + start (not failover)";
        if (launcher is null)
        {
            context.Add(ScenarioRow.NotRun("restart-inventory", title, "needs a mesh this run started (it kills a process)"));
            return;
        }

        var profile = context.Profile;
        BenchContext.Say($"{title}; PlaceOrder at {profile.RestartRate:0}/s for {profile.RestartDuration.TotalSeconds:0} s");
        var samples = new ConcurrentQueue<CallSample>();
        using var channels = context.Channels(MeshTarget.OrdersName);
        await using var monitor = context.StartMonitor();
        var run = OpenLoop.RunAsync(PlaceOrderScenario.Call(context, channels), profile.RestartRate, TimeSpan.Zero,
            profile.RestartDuration, maxInFlight: 1_024, context.CancellationToken, samples.Enqueue);

        await Task.Delay(profile.RestartKillAfter, context.CancellationToken).ConfigureAwait(false);
        var killAt = Stopwatch.GetTimestamp();
        await launcher.StopServiceAsync(MeshService.Inventory, StopSignal.Kill, context.CancellationToken).ConfigureAwait(false);
        var exitedAt = Stopwatch.GetTimestamp();
        await launcher.StartServiceAsync(MeshService.Inventory, extraEnvironment: null, context.CancellationToken).ConfigureAwait(false);
        var servingAt = Stopwatch.GetTimestamp();
        var result = await run.ConfigureAwait(false);
        var usage = await monitor.StopAsync().ConfigureAwait(false);

        var ordered = samples.OrderBy(sample => sample.IntendedTimestamp).ToList();
        var metrics = KillWindow.Analyse(ordered, killAt, exitedAt, servingAt);
        var timeline = Path.Combine(context.OutputDirectory, "restart-timeline.csv");
        await File.WriteAllTextAsync(timeline, KillWindow.Timeline(ordered, killAt), context.CancellationToken).ConfigureAwait(false);
        context.Add(ScenarioRow.Measured("restart-inventory", title, result, usage,
            string.Create(CultureInfo.InvariantCulture,
                $"recovered {metrics["recovery_s"]:0.00} s after the kill; kill window p99 {metrics["window_p99_ms"]:0.0} ms, {metrics["window_errors"]:0} errors; timeline: restart-timeline.csv"),
            metrics));
    }
}
