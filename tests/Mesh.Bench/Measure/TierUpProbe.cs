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

    private Dictionary<string, double> _last = Read(pid);

    /// <summary>
    /// Seconds of CPU the worker threads used since the last call. The runtime ends an idle worker
    /// and starts a new one later, so threads are matched by id: one that ended takes its time with it.
    /// </summary>
    public double Advance()
    {
        var now = Read(pid);
        var seconds = now.Sum(thread => thread.Value - _last.GetValueOrDefault(thread.Key));
        _last = now;
        return seconds;
    }

    /// <summary>CPU seconds of each worker thread, by its /proc task directory; empty when the process is gone.</summary>
    private static Dictionary<string, double> Read(int pid)
    {
        string[] tasks;
        try
        {
            tasks = Directory.GetDirectories($"/proc/{pid}/task");
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return [];
        }

        var threads = new Dictionary<string, double>();
        foreach (var task in tasks)
        {
            // A thread that ended between the listing and the read has no stat left: skipped.
            if (ProcessProbe.Stat(Path.Combine(task, "stat")) is ({ } name, var cpu) && name == ThreadName)
            {
                threads[task] = cpu;
            }
        }

        return threads;
    }
}
