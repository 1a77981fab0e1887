namespace Mesh.Bench.Measure;

/// <summary>
/// Samples the watched processes every 100 ms while a scenario runs: CPU seconds as the growth of
/// utime + stime (per pid, so a restarted service adds both lives) and peak VmRSS, with the private
/// part of the peak sample (so a report can tell a process's own memory from mapped files). The watched pids
/// are looked up on every sample, so a service the scenario restarts is followed to its new pid.
/// </summary>
public sealed class ResourceMonitor : IAsyncDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    private readonly IReadOnlyList<(string Name, Func<int?> Pid)> watched;
    private readonly Dictionary<(string Name, int Pid), (double First, double Last)> cpu = [];
    private readonly Dictionary<string, (double Rss, double Private)> peakRss = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource stop = new();
    private readonly Task sampling;

    private ResourceMonitor(IReadOnlyList<(string Name, Func<int?> Pid)> watched)
    {
        this.watched = watched;
        Sample();
        sampling = Task.Run(LoopAsync);
    }

    /// <summary>Starts sampling; <paramref name="watched"/> maps a process name to its current pid (null while down).</summary>
    public static ResourceMonitor Start(IReadOnlyList<(string Name, Func<int?> Pid)> watched) => new(watched);

    /// <summary>Stops sampling and returns the usage of each watched process.</summary>
    public async Task<IReadOnlyList<ProcessUsage>> StopAsync()
    {
        await stop.CancelAsync().ConfigureAwait(false);
        await sampling.ConfigureAwait(false);
        Sample();
        lock (cpu)
        {
            return [.. watched.Select(w =>
            {
                var peak = peakRss.GetValueOrDefault(w.Name);
                return new ProcessUsage(
                    w.Name,
                    Math.Round(cpu.Where(entry => entry.Key.Name == w.Name).Sum(entry => entry.Value.Last - entry.Value.First), 2),
                    Math.Round(peak.Rss, 1),
                    Math.Round(peak.Private, 1));
            })];
        }
    }

    /// <summary>Starts counting CPU again from now (when the measured window begins, after the warm-up); peak RSS keeps counting.</summary>
    public void RestartCpu()
    {
        Sample();
        lock (cpu)
        {
            foreach (var key in cpu.Keys.ToList())
            {
                cpu[key] = (cpu[key].Last, cpu[key].Last);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!stop.IsCancellationRequested)
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await sampling.ConfigureAwait(false);
        }

        stop.Dispose();
    }

    private async Task LoopAsync()
    {
        using var timer = new PeriodicTimer(Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stop.Token).ConfigureAwait(false))
            {
                Sample();
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
    }

    private void Sample()
    {
        lock (cpu)
        {
            foreach (var (name, pidOf) in watched)
            {
                if (pidOf() is not int pid)
                {
                    continue;
                }

                if (ProcessProbe.CpuSeconds(pid) is double seconds)
                {
                    cpu[(name, pid)] = cpu.TryGetValue((name, pid), out var seen) ? (seen.First, seconds) : (seconds, seconds);
                }

                if (ProcessProbe.Memory(pid) is { } memory && memory.RssMb > peakRss.GetValueOrDefault(name).Rss)
                {
                    peakRss[name] = memory;
                }
            }
        }
    }
}
