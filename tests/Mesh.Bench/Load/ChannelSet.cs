using System.Net;
using Grpc.Net.Client;

namespace Mesh.Bench.Load;

/// <summary>
/// Several GrpcChannels to one address, each with its own SocketsHttpHandler and so its own HTTP/2
/// connection: one connection would serialise every stream through one socket and one frame
/// writer, which a real fleet of clients does not.
/// </summary>
public sealed class ChannelSet : IDisposable
{
    private readonly GrpcChannel[] channels;
    private int next = -1;

    public ChannelSet(Uri address, int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        Address = address;
        channels = [.. Enumerable.Range(0, count).Select(_ => Create(address))];
    }

    public Uri Address { get; }

    public int Count => channels.Length;

    /// <summary>The channels in turn, so streams spread evenly over the connections.</summary>
    public GrpcChannel Next() => channels[(int)((uint)Interlocked.Increment(ref next) % (uint)channels.Length)];

    public GrpcChannel this[int index] => channels[index % channels.Length];

    public void Dispose()
    {
        foreach (var channel in channels)
        {
            channel.Dispose();
        }
    }

    private static GrpcChannel Create(Uri address) => GrpcChannel.ForAddress(address, new GrpcChannelOptions
    {
        HttpHandler = new SocketsHttpHandler
        {
            // Past Kestrel's 100 streams per connection, open another instead of queueing.
            EnableMultipleHttp2Connections = true,
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            AutomaticDecompression = DecompressionMethods.None,
            UseProxy = false,
        },
        // The harness measures the mesh, not client-side retries: every failure is counted.
        MaxRetryAttempts = null,
    });
}
