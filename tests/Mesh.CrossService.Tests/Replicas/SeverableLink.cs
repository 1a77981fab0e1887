namespace Mesh.CrossService.Tests.Replicas;

/// <summary>
/// A loopback TCP hop between one replica and its database that a test can cut (every
/// connection closed, new ones refused) and restore, as a network partition would.
/// </summary>
internal sealed class SeverableLink : TcpRelay
{
    private readonly Uri upstream;
    private volatile bool severed;

    public SeverableLink(string host, int port)
    {
        upstream = new Uri($"http://{host}:{port}");
        Start();
    }

    public int Port => Address.Port;

    public void Sever()
    {
        severed = true;
        CloseAll();
    }

    public void Restore() => severed = false;

    protected override bool Admits() => !severed;

    protected override Uri PickUpstream() => upstream;
}
