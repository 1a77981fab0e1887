using System.Net.Sockets;

namespace Mesh.CrossService.Tests;

/// <summary>
/// A loopback TCP relay that can hold the bytes a client sends, keeping the client's call in flight
/// for as long as a test needs (for example while the caller is sent SIGTERM).
/// </summary>
internal sealed class HoldingTcpProxy : TcpRelay
{
    private readonly Uri upstream;
    private TaskCompletionSource gate = Opened();
    private TaskCompletionSource heldTraffic = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public HoldingTcpProxy(Uri upstream)
    {
        this.upstream = upstream;
        Start();
    }

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

    public override async ValueTask DisposeAsync()
    {
        Release();
        await base.DisposeAsync();
    }

    protected override Uri PickUpstream() => upstream;

    protected override async Task PumpToUpstreamAsync(NetworkStream from, NetworkStream to, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        while (true)
        {
            var read = await from.ReadAsync(buffer, cancellationToken);
            if (read == 0)
            {
                return;
            }

            var currentGate = gate.Task;
            if (!currentGate.IsCompleted)
            {
                heldTraffic.TrySetResult();
                await currentGate.WaitAsync(cancellationToken);
            }

            await to.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
        }
    }

    private static TaskCompletionSource Opened()
    {
        var opened = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        opened.SetResult();
        return opened;
    }
}
