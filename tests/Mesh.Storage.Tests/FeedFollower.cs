using System.Collections.Concurrent;
using Grpc.Core;
using Mesh.ServiceDefaults.Feeds;
using Mesh.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Mesh.Storage.Tests;

/// <summary>A live subscriber driven by the real <see cref="FeedStreamer"/>, recording every event it is sent.</summary>
public sealed class FeedFollower : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<long> _sequences = new();
    private readonly Task _run;

    public FeedFollower(IEventLog log, FeedSubscription subscription, TimeSpan heartbeat, int pageSize = 64)
    {
        var streamer = new FeedStreamer(
            Options.Create(new FeedOptions { HeartbeatInterval = heartbeat, PageSize = pageSize }), new Lifetime(), TimeProvider.System);
        var writer = new Writer(_sequences);
        _run = Task.Run(() => streamer.StreamAsync<StoredEvent?>(log, subscription, e => e, _ => null, writer, new CallContext(_stop.Token)));
    }

    /// <summary>The sequences received so far, in the order they were sent.</summary>
    public IReadOnlyList<long> Sequences => [.. _sequences];

    public int Count => _sequences.Count;

    /// <summary>Waits (bounded) until at least <paramref name="count"/> events arrived; false on timeout or if the stream ended.</summary>
    public async Task<bool> WaitForAsync(int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (_sequences.Count < count && DateTime.UtcNow < deadline && !_run.IsCompleted)
        {
            await Task.Delay(10);
        }

        return _sequences.Count >= count;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _run.WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (OperationCanceledException)
        {
            // The subscriber went away: how a stream normally ends here.
        }

        _stop.Dispose();
    }

    private sealed class Writer(ConcurrentQueue<long> sequences) : IServerStreamWriter<StoredEvent?>
    {
        public WriteOptions? WriteOptions { get; set; }

        public Task WriteAsync(StoredEvent? message) => WriteAsync(message, CancellationToken.None);

        public Task WriteAsync(StoredEvent? message, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (message is not null)
            {
                sequences.Enqueue(message.Sequence);
            }

            return Task.CompletedTask;
        }
    }

    private sealed class Lifetime : IHostApplicationLifetime
    {
        public CancellationToken ApplicationStarted => CancellationToken.None;

        public CancellationToken ApplicationStopping => CancellationToken.None;

        public CancellationToken ApplicationStopped => CancellationToken.None;

        public void StopApplication()
        {
        }
    }

    private sealed class CallContext(CancellationToken cancellationToken) : ServerCallContext
    {
        protected override string MethodCore => "/mesh.test.v1.Feed/Watch";

        protected override string HostCore => "localhost";

        protected override string PeerCore => "ipv4:127.0.0.1:1";

        protected override DateTime DeadlineCore => DateTime.MaxValue;

        protected override Metadata RequestHeadersCore { get; } = new();

        protected override CancellationToken CancellationTokenCore => cancellationToken;

        protected override Metadata ResponseTrailersCore { get; } = new();

        protected override Status StatusCore { get; set; }

        protected override WriteOptions? WriteOptionsCore { get; set; }

        protected override AuthContext AuthContextCore => new(null, []);

        protected override ContextPropagationToken CreatePropagationTokenCore(ContextPropagationOptions? options) =>
            throw new NotSupportedException();

        protected override Task WriteResponseHeadersAsyncCore(Metadata responseHeaders) => Task.CompletedTask;
    }
}
