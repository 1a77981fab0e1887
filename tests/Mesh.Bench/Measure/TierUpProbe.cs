using System.Globalization;

namespace Mesh.Bench.Measure;

/// <summary>
/// CPU a process's runtime spends recompiling hot methods at a higher tier: the time of its
/// ".NET Tiered Compilation Worker" threads, read from /proc/pid/task (Linux only). While it is
/// busy the process is still warming up: its methods run unoptimised or instrumented code, and the
/// compiler takes a core's worth of time from the load.
/// </summary>
public sealed class TierUpProbe(int pid)
{
    /// <summary>The thread's name as /proc shows it (names are cut to 15 characters).</summary>
    private const string ThreadName = ".NET Tiered Com";

    private const double TicksPerSecond = 100;

    private Dictionary<int, long> _last = Read(pid);

    /// <summary>
    /// Seconds of CPU the worker threads used since the last call. The runtime ends an idle worker
    /// and starts a new one later, so threads are matched by id: one that ended takes its time with it.
    /// </summary>
    public double Advance()
    {
        var now = Read(pid);
        long ticks = 0;
        foreach (var (thread, total) in now)
        {
            ticks += total - _last.GetValueOrDefault(thread);
        }

        _last = now;
        return ticks / TicksPerSecond;
    }

    private static Dictionary<int, long> Read(int pid)
    {
        var threads = new Dictionary<int, long>();
        string[] tasks;
        try
        {
            tasks = Directory.GetDirectories($"/proc/{pid}/task");
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return threads; // the process is gone
        }

        foreach (var task in tasks)
        {
            string stat;
            try
            {
                stat = File.ReadAllText(Path.Combine(task, "stat"));
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                continue; // the thread ended between the listing and the read
            }

            var open = stat.IndexOf('(', StringComparison.Ordinal);
            var close = stat.LastIndexOf(')');
            if (stat.AsSpan(open + 1, close - open - 1).SequenceEqual(ThreadName))
            {
                // Fields after the name start at field 3; utime and stime are fields 14 and 15.
                var fields = stat[(close + 2)..].Split(' ');
                threads[int.Parse(Path.GetFileName(task), CultureInfo.InvariantCulture)] =
                    long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            }
        }

        return threads;
    }
}
