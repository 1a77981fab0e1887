namespace Mesh.ServiceDefaults.Clients;

/// <summary>What an endpoint last said about its readiness.</summary>
public enum EndpointHealth
{
    /// <summary>No answer yet (just connected).</summary>
    Unknown,

    /// <summary>Readiness SERVING, or the endpoint has no health service (then it is trusted, as gRFC A17 says).</summary>
    Serving,

    /// <summary>Readiness NOT_SERVING (draining, database gone), or the watch failed.</summary>
    NotServing,
}
