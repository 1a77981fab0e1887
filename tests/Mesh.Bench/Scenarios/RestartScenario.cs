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
/// Scenario 5. Real failover (3 inventory replicas, one killed) needs replicas that share state,
/// which needs PostgreSQL; until then the row says so. What can be measured honestly today is a
/// single-replica restart: PlaceOrder at a fixed rate while the only inventory process is killed
/// with SIGKILL and started again: errors by status, the latency spike, and the time to recover.
/// </summary>
public static class RestartScenario
{
    private static readonly TimeSpan Bucket = TimeSpan.FromMilliseconds(250);

    public static async Task RunAsync(BenchContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Add(ScenarioRow.NotRun("failover-3-replicas", "failover: 3 inventory replicas, one killed",
            "needs shared storage (PostgreSQL issue); today each service is one process on its own SQLite file"));
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
        var metrics = Analyse(ordered, killAt, exitedAt, servingAt);
        var timeline = Path.Combine(context.OutputDirectory, "restart-timeline.csv");
        await File.WriteAllTextAsync(timeline, Timeline(ordered, killAt), context.CancellationToken).ConfigureAwait(false);
        context.Add(ScenarioRow.Measured("restart-inventory", title, result, usage,
            string.Create(CultureInfo.InvariantCulture,
                $"recovered {metrics["recovery_s"]:0.00} s after the kill; kill window p99 {metrics["window_p99_ms"]:0.0} ms, {metrics["window_errors"]:0} errors; timeline: restart-timeline.csv"),
            metrics));
    }

    /// <summary>
    /// Recovery: from the kill to the intended start of the first call after which every call
    /// succeeded within max(3 x the pre-kill p99, pre-kill p99 + 10 ms). The kill window runs from
    /// the kill to that point (at least 1 s).
    /// </summary>
    private static Dictionary<string, double> Analyse(List<CallSample> samples, long killAt, long exitedAt, long servingAt)
    {
        var before = new LongHistogram(1, 300_000_000, 3);
        foreach (var sample in samples.Where(s => s.IntendedTimestamp < killAt && s.Ok))
        {
            before.RecordValue(Math.Max(1, (long)(sample.LatencyMs * 1000)));
        }

        var preP99 = before.TotalCount == 0 ? 0 : before.GetValueAtPercentile(99) / 1000.0;
        var threshold = Math.Max(3 * preP99, preP99 + 10);
        var lastBad = samples.FindLastIndex(s => s.IntendedTimestamp >= killAt && (!s.Ok || s.LatencyMs > threshold));
        var recoveredAt = lastBad < 0 ? killAt : lastBad + 1 < samples.Count ? samples[lastBad + 1].IntendedTimestamp : samples[lastBad].IntendedTimestamp;
        var recovery = Stopwatch.GetElapsedTime(killAt, recoveredAt);
        var windowEnd = killAt + (long)(Math.Max(1, recovery.TotalSeconds) * Stopwatch.Frequency);

        var window = new LongHistogram(1, 300_000_000, 3);
        long windowErrors = 0;
        foreach (var sample in samples.Where(s => s.IntendedTimestamp >= killAt && s.IntendedTimestamp <= windowEnd))
        {
            window.RecordValue(Math.Max(1, (long)(sample.LatencyMs * 1000)));
            windowErrors += sample.Ok ? 0 : 1;
        }

        return new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["pre_kill_p99_ms"] = Math.Round(preP99, 2),
            ["kill_to_exit_ms"] = Math.Round(Stopwatch.GetElapsedTime(killAt, exitedAt).TotalMilliseconds, 1),
            ["kill_to_serving_ms"] = Math.Round(Stopwatch.GetElapsedTime(killAt, servingAt).TotalMilliseconds, 1),
            ["recovery_s"] = Math.Round(recovery.TotalSeconds, 3),
            ["window_calls"] = window.TotalCount,
            ["window_errors"] = windowErrors,
            ["window_p99_ms"] = window.TotalCount == 0 ? 0 : Math.Round(window.GetValueAtPercentile(99) / 1000.0, 2),
            ["window_max_ms"] = window.TotalCount == 0 ? 0 : Math.Round(window.GetMaxValue() / 1000.0, 2),
        };
    }

    /// <summary>Per 250 ms of intended start, relative to the kill: calls, errors by status, p50, p99, max.</summary>
    private static string Timeline(List<CallSample> samples, long killAt)
    {
        var csv = new StringBuilder("offset_s,calls,ok,errors,error_statuses,p50_ms,p99_ms,max_ms\n");
        var bucketTicks = (long)(Bucket.TotalSeconds * Stopwatch.Frequency);
        foreach (var group in samples.GroupBy(s => (long)Math.Floor((s.IntendedTimestamp - killAt) / (double)bucketTicks)).OrderBy(g => g.Key))
        {
            var latencies = group.Select(s => s.LatencyMs).Order().ToArray();
            var statuses = string.Join(' ', group.Where(s => !s.Ok).GroupBy(s => s.Status).Select(g => $"{g.Key}={g.Count()}"));
            csv.Append(CultureInfo.InvariantCulture,
                $"{group.Key * Bucket.TotalSeconds:0.00},{latencies.Length},{group.Count(s => s.Ok)},{group.Count(s => !s.Ok)},{statuses},{Percentile(latencies, 0.5):0.0},{Percentile(latencies, 0.99):0.0},{latencies[^1]:0.0}\n");
        }

        return csv.ToString();
    }

    private static double Percentile(double[] sorted, double q) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
}
