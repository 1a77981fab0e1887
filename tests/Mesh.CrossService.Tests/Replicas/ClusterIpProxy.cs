namespace Mesh.CrossService.Tests.Replicas;

/// <summary>
/// What a Kubernetes ClusterIP does to gRPC, on loopback: one address, and each new TCP
/// connection relayed to the next backend of the current endpoint list (L4, round-robin per
/// connection). A long-lived HTTP/2 connection therefore stays on one backend until it ends.
/// </summary>
internal sealed class ClusterIpProxy : TcpRelay
{
    private IReadOnlyList<Uri> backends;
    private int next;

    public ClusterIpProxy(IReadOnlyList<Uri> backends)
    {
        this.backends = backends;
        Start();
    }

    /// <summary>New connections go to these from now on (the Service's endpoints changed).</summary>
    public void SetBackends(IReadOnlyList<Uri> endpoints) => Volatile.Write(ref backends, endpoints);

    protected override Uri PickUpstream()
    {
        var current = Volatile.Read(ref backends);
        return current[(int)((uint)Interlocked.Increment(ref next) % (uint)current.Count)];
    }
}
