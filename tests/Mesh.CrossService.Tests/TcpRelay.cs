using System.Net;
using System.Net.Sockets;

namespace Mesh.CrossService.Tests;

/// <summary>
/// A loopback TCP relay: clients connect to <see cref="Address"/>, and each connection is relayed
/// to the upstream the subclass picks. Disposing closes the listener and every relayed connection.
/// </summary>
internal abstract class TcpRelay : IAsyncDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly List<TcpClient> connections = [];
    private Task acceptLoop = Task.CompletedTask;

    protected TcpRelay()
    {
        listener.Start();
        Address = new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}");
    }

    /// <summary>Where clients connect instead of the upstream.</summary>
    public Uri Address { get; }

    protected CancellationTokenSource Stopping { get; } = new();

    public virtual async ValueTask DisposeAsync()
    {
        await Stopping.CancelAsync();
        listener.Stop();
        CloseAll();

        try
        {
            await acceptLoop;
        }
        catch (OperationCanceledException)
        {
            // Expected: the loop ends by cancellation.
        }

        Stopping.Dispose();
    }

    /// <summary>Starts accepting; subclasses call it once their own state is ready.</summary>
    protected void Start() => acceptLoop = AcceptAsync();

    /// <summary>Closes every connection relayed so far, as a network partition would.</summary>
    protected void CloseAll()
    {
        lock (connections)
        {
            connections.ForEach(connection => connection.Dispose());
            connections.Clear();
        }
    }

    /// <summary>Whether a new client connection is relayed; one that is not is closed at once.</summary>
    protected virtual bool Admits() => true;

    /// <summary>The upstream for a new client connection.</summary>
    protected abstract Uri PickUpstream();

    /// <summary>Copies the client's bytes to the upstream; subclasses may hold them.</summary>
    protected virtual Task PumpToUpstreamAsync(NetworkStream from, NetworkStream to, CancellationToken cancellationToken) =>
        from.CopyToAsync(to, cancellationToken);

    private async Task AcceptAsync()
    {
        while (!Stopping.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(Stopping.Token);
            }
            catch (SocketException) when (Stopping.IsCancellationRequested)
            {
                return;
            }

            if (!Admits())
            {
                client.Dispose();
                continue;
            }

            _ = RelayAsync(client, PickUpstream());
        }
    }

    private async Task RelayAsync(TcpClient client, Uri upstream)
    {
        using var server = new TcpClient();
        lock (connections)
        {
            connections.Add(client);
            connections.Add(server);
        }

        try
        {
            await server.ConnectAsync(upstream.Host, upstream.Port, Stopping.Token);
            using var ends = CancellationTokenSource.CreateLinkedTokenSource(Stopping.Token);
            var up = PumpToUpstreamAsync(client.GetStream(), server.GetStream(), ends.Token);
            var down = server.GetStream().CopyToAsync(client.GetStream(), ends.Token);
            await Task.WhenAny(up, down);
            await ends.CancelAsync();
        }
        catch (Exception exception) when (exception is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // A side closed; the relay simply ends, as a real network hop would.
        }
        finally
        {
            client.Dispose();
        }
    }
}
