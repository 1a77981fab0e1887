namespace Mesh.ServiceDefaults.Health;

/// <summary>The grpc.health.v1 service names every Mesh process answers for.</summary>
public static class HealthNames
{
    /// <summary>SERVING while the process runs; a failing liveness probe restarts the pod.</summary>
    public const string Liveness = "liveness";

    /// <summary>SERVING while the process can do its work: own storage usable and not draining.</summary>
    public const string Readiness = "readiness";

    /// <summary>
    /// SERVING while this replica relays its event log to the broker; NOT_SERVING while messaging
    /// waits for the broker or another replica holds the relay lease. Never part of readiness.
    /// </summary>
    public const string Relay = "relay";
}
