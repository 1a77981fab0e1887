using System.Diagnostics;
using Mesh.Bench.Measure;

namespace Mesh.Bench.Load;

/// <summary>
/// Load until the services are compiled: closed-loop rounds until, in the last round, no service's
/// runtime spent more than <see cref="QuietShare"/> of a core recompiling hot methods
/// (<see cref="TierUpProbe"/>), within the profile's cap. A fixed warm-up fits no mesh: after 6 s a
/// fresh mesh placed orders at a third of its rate (its hot paths still unoptimised, the compiler
/// taking 30 % of orders' CPU), while a mesh earlier scenarios warmed needs none.
/// </summary>
public static class CompiledWarmUp
{
    public const double QuietShare = 0.02;

    private static readonly TimeSpan Round = TimeSpan.FromSeconds(2);

    /// <param name="pids">The services' processes; none (a mesh the bench did not start) warms for the profile's fixed warm-up.</param>
    public static async Task<WarmUpResult> RunAsync(LoadCall call, int concurrency, IReadOnlyList<int> pids, BenchProfile profile, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pids);
        ArgumentNullException.ThrowIfNull(profile);
        var started = Stopwatch.GetTimestamp();
        if (pids.Count == 0)
        {
            var blind = await ClosedLoop.RunAsync(call, concurrency, TimeSpan.Zero, profile.Warmup, cancellationToken).ConfigureAwait(false);
            return new WarmUpResult(Stopwatch.GetElapsedTime(started), blind.ThroughputPerSecond, TierUpShare: null);
        }

        var probes = pids.Select(pid => new TierUpProbe(pid)).ToArray();
        var round = Round < profile.CompileWarmupMax ? Round : profile.CompileWarmupMax;
        while (true)
        {
            var from = Stopwatch.GetTimestamp();
            var result = await ClosedLoop.RunAsync(call, concurrency, TimeSpan.Zero, round, cancellationToken).ConfigureAwait(false);
            var seconds = Stopwatch.GetElapsedTime(from).TotalSeconds;
            var busiest = probes.Max(probe => probe.Advance()) / seconds;
            var elapsed = Stopwatch.GetElapsedTime(started);
            if (busiest <= QuietShare || elapsed >= profile.CompileWarmupMax)
            {
                return new WarmUpResult(elapsed, result.ThroughputPerSecond, busiest);
            }
        }
    }
}
