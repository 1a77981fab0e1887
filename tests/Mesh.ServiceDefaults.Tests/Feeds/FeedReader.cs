using Grpc.Core;
using Mesh.Common.V1;
using Mesh.Users.V1;

namespace Mesh.ServiceDefaults.Tests.Feeds;

/// <summary>A test subscriber: reads a Watch stream into lists of sequences and heartbeats.</summary>
public sealed class FeedReader : IDisposable
{
    private readonly AsyncServerStreamingCall<WatchUsersResponse> _call;

    public FeedReader(UserService.UserServiceClient client, long afterSequence, string[]? filterKeys = null, bool startAtHead = false)
    {
        var headers = new Metadata();
        if (filterKeys is { Length: > 0 })
        {
            headers.Add("filter-keys", string.Join(',', filterKeys));
        }

        if (startAtHead)
        {
            headers.Add("start-at-head", "true");
        }

        _call = client.WatchUsers(new WatchUsersRequest { AfterSequence = afterSequence }, headers);
    }

    public List<UserEvent> Events { get; } = [];

    public List<FeedHeartbeat> Heartbeats { get; } = [];

    /// <summary>Reads until <paramref name="done"/> holds; fails after <paramref name="seconds"/>.</summary>
    public async Task ReadUntilAsync(Func<FeedReader, bool> done, int seconds = 20)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        while (!done(this))
        {
            Assert.True(await _call.ResponseStream.MoveNext(timeout.Token), "the stream ended early");
            var message = _call.ResponseStream.Current;
            if (message.KindCase == WatchUsersResponse.KindOneofCase.Event)
            {
                Events.Add(message.Event);
            }
            else
            {
                Heartbeats.Add(message.Heartbeat);
            }
        }
    }

    /// <summary>Reads one more message, expecting the stream to fail.</summary>
    public async Task<RpcException> ReadUntilFailureAsync(int seconds = 20)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        return await Assert.ThrowsAsync<RpcException>(async () =>
        {
            while (await _call.ResponseStream.MoveNext(timeout.Token))
            {
                if (_call.ResponseStream.Current.KindCase == WatchUsersResponse.KindOneofCase.Event)
                {
                    Events.Add(_call.ResponseStream.Current.Event);
                }
            }
        });
    }

    public long LastSequence => Events.Count == 0 ? 0 : Events[^1].Sequence;

    public void Dispose() => _call.Dispose();
}
