namespace Mesh.ServiceDefaults.Shutdown;

/// <summary>Graceful shutdown timing, bound from configuration section <c>Mesh:Shutdown</c>.</summary>
public sealed class MeshShutdownOptions
{
    /// <summary>
    /// Time between readiness turning NOT_SERVING and the server refusing new calls, so
    /// load balancers notice first. Default 0 locally; the Helm chart sets it for pods.
    /// </summary>
    public TimeSpan DrainDelay { get; set; } = TimeSpan.Zero;

    /// <summary>Longest wait for in-flight calls after the drain delay. Default 20 s.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(20);
}
