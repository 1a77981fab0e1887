using System.Net;
using System.Net.Sockets;

namespace Mesh.CrossService.Tests;

/// <summary>
/// A loopback TCP relay that can hold the bytes a client sends, keeping the client's call in flight
/// for as long as a test needs (for example while the caller is sent SIGTERM).
/// </summary>
internal sealed class HoldingTcpProxy : IAsyncDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly Uri upstream;
    private readonly CancellationTokenSource stopping = new();
    private readonly List<TcpClient> connections = [];
    private readonly Task acceptLoop;
    private TaskCompletionSource gate = Opened();
    private TaskCompletionSource heldTraffic = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public HoldingTcpProxy(Uri upstream)
    {
        this.upstream = upstream;
        listener.Start();
        Address = new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}");
        acceptLoop = AcceptAsync();
    }

    /// <summary>Where clients connect instead of the upstream.</summary>
    public Uri Address { get; }

    /// <summary>Completes once a client sent bytes while the proxy was holding.</summary>
    public Task HeldTraffic => heldTraffic.Task;

    /// <summary>From now on, client bytes wait until <see cref="Release"/>.</summary>
    public void Hold()
    {
        heldTraffic = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>Lets held and future bytes through.</summary>
    public void Release() => gate.TrySetResult();

    public async ValueTask DisposeAsync()
    {
        Release();
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
            // Expected: the loop ends by cancellation.
        }

        stopping.Dispose();
    }

    private static TaskCompletionSource Opened()
    {
        var opened = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        opened.SetResult();
        return opened;
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

            _ = RelayAsync(client);
        }
    }

    private async Task RelayAsync(TcpClient client)
    {
        using var server = new TcpClient();
        lock (connections)
        {
            connections.Add(client);
            connections.Add(server);
        }

        try
        {
            await server.ConnectAsync(upstream.Host, upstream.Port, stopping.Token);
            using var ends = CancellationTokenSource.CreateLinkedTokenSource(stopping.Token);
            var toServer = PumpAsync(client.GetStream(), server.GetStream(), holdable: true, ends.Token);
            var toClient = PumpAsync(server.GetStream(), client.GetStream(), holdable: false, ends.Token);
            await Task.WhenAny(toServer, toClient);
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

    private async Task PumpAsync(NetworkStream from, NetworkStream to, bool holdable, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReadAsync(buffer, cancellationToken);
                if (read == 0)
                {
                    return;
                }

                var currentGate = gate.Task;
                if (holdable && !currentGate.IsCompleted)
                {
                    heldTraffic.TrySetResult();
                    await currentGate.WaitAsync(cancellationToken);
                }

                await to.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }
        }
        catch (Exception exception) when (exception is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // Connection ended.
        }
    }
}
