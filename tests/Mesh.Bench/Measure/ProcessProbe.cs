using System.Globalization;

namespace Mesh.Bench.Measure;

/// <summary>Reads a process's CPU time and resident memory from /proc (Linux only; elsewhere null).</summary>
public static class ProcessProbe
{
    /// <summary>USER_HZ: /proc reports CPU time in these ticks; Linux fixes it at 100 for user space.</summary>
    private const double TicksPerSecond = 100;

    /// <summary>utime + stime in seconds, or null when the process is gone.</summary>
    public static double? CpuSeconds(int pid) => Stat($"/proc/{pid}/stat")?.CpuSeconds;

    /// <summary>
    /// The name and utime + stime in seconds from a /proc stat file (a process's, or one thread's under
    /// /proc/pid/task/tid/stat), or null when it is gone.
    /// </summary>
    public static (string Name, double CpuSeconds)? Stat(string path)
    {
        var stat = Read(path);
        if (stat is null)
        {
            return null;
        }

        // The command name (field 2) may hold spaces and parentheses: count fields after the last ')'.
        var open = stat.IndexOf('(', StringComparison.Ordinal);
        var close = stat.LastIndexOf(')');
        var fields = stat[(close + 2)..].Split(' ');
        // fields[0] is field 3 (state), so utime (14) and stime (15) are at 11 and 12.
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return (stat[(open + 1)..close], ticks / TicksPerSecond);
    }

    /// <summary>
    /// Resident memory in MiB and the part of it the process holds alone (RssAnon + RssShmem: heaps,
    /// stacks and the JIT's code, which .NET maps through shared memory), from one read of
    /// /proc/pid/status; null when the process is gone. The rest (RssFile) is pages of mapped
    /// files, the runtime's and framework's assemblies and libraries, which every .NET process on
    /// the node maps from the same page cache.
    /// </summary>
    public static (double RssMb, double PrivateMb)? Memory(int pid)
    {
        var status = Read($"/proc/{pid}/status");
        if (status is null || Kb(status, "VmRSS:") is not long rss)
        {
            return null;
        }

        var privateKb = (Kb(status, "RssAnon:") ?? 0) + (Kb(status, "RssShmem:") ?? 0);
        return (rss / 1024.0, privateKb / 1024.0);
    }

    private static long? Kb(string status, string key)
    {
        var line = status.Split('\n').FirstOrDefault(l => l.StartsWith(key, StringComparison.Ordinal));
        return line is null
            ? null
            : long.Parse(line[key.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
    }

    private static string? Read(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
