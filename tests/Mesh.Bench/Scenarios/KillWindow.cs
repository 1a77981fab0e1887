using System.Diagnostics;
using System.Globalization;
using System.Text;
using HdrHistogram;
using Mesh.Bench.Load;

namespace Mesh.Bench.Scenarios;

/// <summary>What a kill did to calls at a fixed rate: recovery time, the window's latency and errors, a timeline.</summary>
public static class KillWindow
{
    private static readonly TimeSpan Bucket = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Recovery: from the kill to the intended start of the first call after which every call
    /// succeeded within max(3 x the pre-kill p99, pre-kill p99 + 10 ms). The kill window runs from
    /// the kill to that point (at least 1 s).
    /// </summary>
    public static Dictionary<string, double> Analyse(List<CallSample> samples, long killAt, long exitedAt, long servingAt)
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
    public static string Timeline(List<CallSample> samples, long killAt)
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
