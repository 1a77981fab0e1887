namespace Mesh.ServiceDefaults.Health;

/// <summary>The grpc.health.v1 service names every Mesh process answers for.</summary>
public static class HealthNames
{
    /// <summary>SERVING while the process runs; a failing liveness probe restarts the pod.</summary>
    public const string Liveness = "liveness";

    /// <summary>SERVING while the process can do its work: own storage usable and not draining.</summary>
    public const string Readiness = "readiness";
}
