using Grpc.Core;
using Mesh.Common.V1;
using Mesh.Inventory.V1;

namespace Mesh.Inventory.Tests.Support;

/// <summary>
/// A test subscriber of WatchInventory: reads the stream into lists of events and heartbeats,
/// every read bounded so a missing message fails the test instead of hanging it.
/// </summary>
public sealed class InventoryFeedReader : IDisposable
{
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(15);

    private readonly AsyncServerStreamingCall<WatchInventoryResponse> _call;

    public InventoryFeedReader(InventoryService.InventoryServiceClient client, WatchInventoryRequest request)
    {
        ArgumentNullException.ThrowIfNull(client);
        _call = client.WatchInventory(request);
    }

    public List<InventoryEvent> Events { get; } = [];

    public List<FeedHeartbeat> Heartbeats { get; } = [];

    /// <summary>Every message in arrival order, for tests that care how events and heartbeats interleave.</summary>
    public List<WatchInventoryResponse> Messages { get; } = [];

    public long LastSequence => Events.Count == 0 ? 0 : Events[^1].Sequence;

    public static WatchInventoryRequest Request(long afterSequence, IEnumerable<string>? skus = null, bool startAtHead = false)
    {
        var request = new WatchInventoryRequest { AfterSequence = afterSequence, StartAtHead = startAtHead };
        request.Skus.AddRange(skus ?? []);
        return request;
    }

    /// <summary>Reads until <paramref name="done"/> holds; fails if the stream ends or nothing more arrives in time.</summary>
    public async Task ReadUntilAsync(Func<InventoryFeedReader, bool> done)
    {
        using var timeout = new CancellationTokenSource(MaxWait);
        while (!done(this))
        {
            Assert.True(await _call.ResponseStream.MoveNext(timeout.Token), "the stream ended early");
            Add(_call.ResponseStream.Current);
        }
    }

    /// <summary>Reads until one more heartbeat arrives: after the first, the backlog has been delivered.</summary>
    public Task ReadToNextHeartbeatAsync()
    {
        var seen = Heartbeats.Count;
        return ReadUntilAsync(reader => reader.Heartbeats.Count > seen);
    }

    /// <summary>Reads until the stream fails, keeping whatever arrives before; returns the failure.</summary>
    public async Task<RpcException> ReadToFailureAsync()
    {
        using var timeout = new CancellationTokenSource(MaxWait);
        return await Assert.ThrowsAsync<RpcException>(async () =>
        {
            while (await _call.ResponseStream.MoveNext(timeout.Token))
            {
                Add(_call.ResponseStream.Current);
            }
        });
    }

    public void Dispose() => _call.Dispose();

    private void Add(WatchInventoryResponse message)
    {
        Messages.Add(message);
        if (message.KindCase == WatchInventoryResponse.KindOneofCase.Event)
        {
            Events.Add(message.Event);
        }
        else
        {
            Assert.Equal(WatchInventoryResponse.KindOneofCase.Heartbeat, message.KindCase);
            Heartbeats.Add(message.Heartbeat);
        }
    }
}
