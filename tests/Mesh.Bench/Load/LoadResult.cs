namespace Mesh.Bench.Load;

/// <summary>What one measured load phase achieved.</summary>
/// <param name="Mode">"closed-loop" (max throughput, N workers) or "open-loop" (fixed arrival rate).</param>
/// <param name="OfferedPerSecond">The fixed arrival rate of an open-loop phase; null for closed loop.</param>
/// <param name="Concurrency">Workers (closed loop) or the cap on calls in flight (open loop).</param>
/// <param name="ThroughputPerSecond">Successful calls per second of measured time.</param>
public sealed record LoadResult(
    string Mode,
    double? OfferedPerSecond,
    int Concurrency,
    double DurationSeconds,
    long Succeeded,
    long Failed,
    IReadOnlyDictionary<string, long> ErrorsByStatus,
    double ThroughputPerSecond,
    LatencySummary Latency)
{
    /// <param name="completedInWindow">Successes that completed inside the window, when that differs from
    /// the recorded count (open loop: a call scheduled in the window may complete after it).</param>
    public static LoadResult From(LatencyRecorder recorder, string mode, double? offered, int concurrency, TimeSpan measured, long? completedInWindow = null)
    {
        ArgumentNullException.ThrowIfNull(recorder);
        var seconds = Math.Max(measured.TotalSeconds, 1e-9);
        return new LoadResult(
            mode,
            offered,
            concurrency,
            Math.Round(measured.TotalSeconds, 3),
            recorder.Succeeded,
            recorder.Failed,
            recorder.ErrorsByStatus,
            Math.Round((completedInWindow ?? recorder.Succeeded) / seconds, 1),
            recorder.Summary());
    }
}
