using System.Net;
using System.Net.Sockets;

namespace Mesh.CrossService.Tests.Replicas;

/// <summary>
/// What a Kubernetes ClusterIP does to gRPC, on loopback: one address, and each new TCP
/// connection relayed to the next backend of the current endpoint list (L4, round-robin per
/// connection). A long-lived HTTP/2 connection therefore stays on one backend until it ends.
/// </summary>
internal sealed class ClusterIpProxy : IAsyncDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource stopping = new();
    private readonly List<TcpClient> connections = [];
    private readonly Task acceptLoop;
    private IReadOnlyList<Uri> backends;
    private int next;

    public ClusterIpProxy(IReadOnlyList<Uri> backends)
    {
        this.backends = backends;
        listener.Start();
        Address = new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}");
        acceptLoop = AcceptAsync();
    }

    public Uri Address { get; }

    /// <summary>New connections go to these from now on (the Service's endpoints changed).</summary>
    public void SetBackends(IReadOnlyList<Uri> endpoints) => Volatile.Write(ref backends, endpoints);

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        listener.Stop();
        lock (connections)
        {
            connections.ForEach(connection => connection.Dispose());
        }

        try
        {
            await acceptLoop;
        }
        catch (OperationCanceledException)
        {
            // The loop ends by cancellation.
        }

        stopping.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!stopping.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(stopping.Token);
            }
            catch (SocketException) when (stopping.IsCancellationRequested)
            {
                return;
            }

            var current = Volatile.Read(ref backends);
            _ = RelayAsync(client, current[(int)((uint)Interlocked.Increment(ref next) % (uint)current.Count)]);
        }
    }

    private async Task RelayAsync(TcpClient client, Uri backend)
    {
        using var server = new TcpClient();
        lock (connections)
        {
            connections.Add(client);
            connections.Add(server);
        }

        try
        {
            await server.ConnectAsync(backend.Host, backend.Port, stopping.Token);
            using var ends = CancellationTokenSource.CreateLinkedTokenSource(stopping.Token);
            var up = client.GetStream().CopyToAsync(server.GetStream(), ends.Token);
            var down = server.GetStream().CopyToAsync(client.GetStream(), ends.Token);
            await Task.WhenAny(up, down);
            await ends.CancelAsync();
        }
        catch (Exception exception) when (exception is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // A side closed; the relay ends, as the real hop would.
        }
        finally
        {
            client.Dispose();
        }
    }
}
