using System.Diagnostics;

namespace Mesh.Launcher;

/// <summary>
/// Starts child processes in a session of their own. Ctrl-C in a terminal signals the whole
/// foreground process group; a child in its own session hears only the launcher, which stops its
/// children in order (orders first).
/// </summary>
internal static class ProcessSessions
{
    // setsid execs in place, so the child keeps the pid the launcher sees.
    private static readonly string? SessionLeader =
        OperatingSystem.IsLinux() && File.Exists("/usr/bin/setsid") ? "/usr/bin/setsid" : null;

    /// <summary>
    /// A start info that runs <paramref name="executable"/> in a new session where the system can,
    /// with both output streams redirected; the caller adds the arguments after this one.
    /// </summary>
    public static ProcessStartInfo StartInfo(string executable, string workingDirectory)
    {
        var startInfo = new ProcessStartInfo
        {
            FileName = SessionLeader ?? executable,
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
        };
        if (SessionLeader is not null)
        {
            startInfo.ArgumentList.Add(executable);
        }

        return startInfo;
    }

    /// <summary>
    /// Applies <paramref name="environment"/> on top of the inherited variables; a null value
    /// removes an inherited one.
    /// </summary>
    public static void Apply(ProcessStartInfo startInfo, IEnumerable<KeyValuePair<string, string?>> environment)
    {
        foreach (var (name, value) in environment)
        {
            if (value is null)
            {
                startInfo.Environment.Remove(name);
            }
            else
            {
                startInfo.Environment[name] = value;
            }
        }
    }
}
