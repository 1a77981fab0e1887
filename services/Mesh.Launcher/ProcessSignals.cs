using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Mesh.Launcher;

/// <summary>Sends POSIX signals to child processes; .NET itself can only SIGKILL another process.</summary>
internal static partial class ProcessSignals
{
    private const int NoSuchProcess = 3; // ESRCH on Linux and macOS

    /// <summary>Sends <paramref name="signal"/>; where there are no signals (Windows) the process is killed.</summary>
    public static void Send(Process process, StopSignal signal)
    {
        ArgumentNullException.ThrowIfNull(process);
        if (process.HasExited)
        {
            return;
        }

        if (OperatingSystem.IsWindows())
        {
            process.Kill(entireProcessTree: true);
            return;
        }

        if (Kill(process.Id, (int)signal) == 0)
        {
            return;
        }

        var error = Marshal.GetLastPInvokeError();
        if (error != NoSuchProcess)
        {
            throw new Win32Exception(error, $"kill({process.Id}, {(int)signal}) failed");
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
