namespace Mesh.Launcher;

/// <summary>How to stop a service process; the values are the POSIX signal numbers.</summary>
public enum StopSignal
{
    /// <summary>SIGKILL: ends the process at once, as a crash or an OOM kill would.</summary>
    Kill = 9,

    /// <summary>SIGTERM: asks for a graceful shutdown, as Kubernetes does.</summary>
    Terminate = 15,
}
