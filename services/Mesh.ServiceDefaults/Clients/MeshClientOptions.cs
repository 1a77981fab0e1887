namespace Mesh.ServiceDefaults.Clients;

/// <summary>Outgoing call settings shared by every client, from configuration section <c>Mesh:Clients</c>.</summary>
public sealed class MeshClientOptions
{
    /// <summary>Deadline given to a call that has none (and no incoming deadline to inherit). Default 5 s.</summary>
    public TimeSpan DefaultDeadline { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often <c>dns:///</c> addresses are re-resolved, so new pods get traffic. Default 15 s, which is also grpc-dotnet's lower bound: it resolves a name at most once every 15 s.</summary>
    public TimeSpan DnsRefreshInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Attempts per call, including the first, for calls that may be retried. Default 3.</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>
    /// Retry throttling tokens per channel (gRFC A6): each failed attempt takes one, each success
    /// gives a tenth back, and retries stop while half or fewer are left. Default 100, so the
    /// calls in flight on a replica that dies at once (up to 50) are all retried, while a steady
    /// failure rate above about one call in ten stops retries. gRPC's examples use 10, which a
    /// busy client spends on a single crash.
    /// </summary>
    public int RetryBudget { get; set; } = 100;

    /// <summary>Wait before the first reconnect to a peer that could not be reached. Default 250 ms (gRPC's own default is 1 s).</summary>
    public TimeSpan InitialReconnectBackoff { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Longest wait between reconnects. Default 2 s: a peer back after an outage is found within
    /// about 2 s, where gRPC's default of 120 s could leave calls waiting for their whole deadline
    /// on a connection that would now succeed. Reconnecting inside a cluster is cheap.
    /// </summary>
    public TimeSpan MaxReconnectBackoff { get; set; } = TimeSpan.FromSeconds(2);
}
