using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Mesh.Bench.Measure;

/// <summary>Where and on what the numbers were taken: they mean nothing without it.</summary>
public sealed record MachineInfo(
    string Host,
    int Cores,
    string Cpu,
    double MemoryGb,
    string Os,
    string Runtime,
    string Commit,
    bool WorkTreeDirty,
    string LoadAverageAtStart)
{
    public static MachineInfo Collect(string? repositoryRoot) => new(
        Environment.MachineName,
        Environment.ProcessorCount,
        CpuModel(),
        Math.Round(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 1024.0 / 1024 / 1024, 1),
        RuntimeInformation.OSDescription,
        RuntimeInformation.FrameworkDescription,
        Git(repositoryRoot, "rev-parse --short=12 HEAD") ?? "unknown",
        !string.IsNullOrWhiteSpace(Git(repositoryRoot, "status --porcelain")),
        LoadAverage());

    /// <summary>The 1, 5 and 15 minute load averages: a busy machine makes every number worse.</summary>
    public static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    private static string CpuModel()
    {
        try
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            return line?.Split(':', 2)[1].Trim() ?? RuntimeInformation.ProcessArchitecture.ToString();
        }
        catch (IOException)
        {
            return RuntimeInformation.ProcessArchitecture.ToString();
        }
    }

    private static string? Git(string? repositoryRoot, string arguments)
    {
        if (repositoryRoot is null)
        {
            return null;
        }

        try
        {
            using var git = Process.Start(new ProcessStartInfo("git", arguments)
            {
                WorkingDirectory = repositoryRoot,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            });
            if (git is null)
            {
                return null;
            }

            var output = git.StandardOutput.ReadToEnd().Trim();
            git.WaitForExit();
            return git.ExitCode == 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
