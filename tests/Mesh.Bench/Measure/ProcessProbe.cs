using System.Globalization;

namespace Mesh.Bench.Measure;

/// <summary>Reads a process's CPU time and resident memory from /proc (Linux only; elsewhere null).</summary>
public static class ProcessProbe
{
    /// <summary>USER_HZ: /proc reports CPU time in these ticks; Linux fixes it at 100 for user space.</summary>
    private const double TicksPerSecond = 100;

    /// <summary>utime + stime in seconds, or null when the process is gone.</summary>
    public static double? CpuSeconds(int pid)
    {
        var stat = Read($"/proc/{pid}/stat");
        if (stat is null)
        {
            return null;
        }

        // The command name (field 2) may hold spaces and parentheses: count fields after the last ')'.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // fields[0] is field 3 (state), so utime (14) and stime (15) are at 11 and 12.
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return ticks / TicksPerSecond;
    }

    /// <summary>Current resident set size (VmRSS) in MiB, or null when the process is gone.</summary>
    public static double? RssMb(int pid) => StatusKb(pid, "VmRSS:") / 1024.0;

    /// <summary>The kernel's high-water mark of resident memory (VmHWM) over the process's life, in MiB.</summary>
    public static double? PeakRssMb(int pid) => StatusKb(pid, "VmHWM:") / 1024.0;

    private static long? StatusKb(int pid, string key)
    {
        var status = Read($"/proc/{pid}/status");
        var line = status?.Split('\n').FirstOrDefault(l => l.StartsWith(key, StringComparison.Ordinal));
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
