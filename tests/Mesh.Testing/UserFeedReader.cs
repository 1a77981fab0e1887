using Grpc.Core;
using Mesh.Common.V1;
using Mesh.Users.V1;
using Xunit;

namespace Mesh.Testing;

/// <summary>A WatchUsers subscriber: collects events and heartbeats; every read is bounded in time.</summary>
public sealed class UserFeedReader : IDisposable
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(20);

    private readonly AsyncServerStreamingCall<WatchUsersResponse> _call;

    public UserFeedReader(UserService.UserServiceClient client, long afterSequence, string[]? filterKeys = null, bool startAtHead = false)
    {
        ArgumentNullException.ThrowIfNull(client);
        var headers = new Metadata();
        if (filterKeys is { Length: > 0 })
        {
            headers.Add("filter-keys", string.Join(',', filterKeys));
        }

        if (startAtHead)
        {
            headers.Add("start-at-head", "true");
        }

        _call = client.WatchUsers(new WatchUsersRequest { AfterSequence = afterSequence, StartAtHead = startAtHead }, headers);
    }

    public List<UserEvent> Events { get; } = [];

    public List<FeedHeartbeat> Heartbeats { get; } = [];

    public long LastSequence => Events.Count == 0 ? 0 : Events[^1].Sequence;

    /// <summary>Reads until a heartbeat arrives (the stream has caught up); returns the events read on the way.</summary>
    public async Task<List<UserEvent>> ReadUntilHeartbeatAsync()
    {
        var before = Events.Count;
        var heartbeats = Heartbeats.Count;
        await ReadUntilAsync(reader => reader.Heartbeats.Count > heartbeats);
        return Events[before..];
    }

    /// <summary>Reads until <paramref name="done"/> holds; fails if the stream ends or <paramref name="timeout"/> passes.</summary>
    public async Task ReadUntilAsync(Func<UserFeedReader, bool> done, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(done);
        using var limit = new CancellationTokenSource(timeout ?? DefaultTimeout);
        while (!done(this))
        {
            Assert.True(await _call.ResponseStream.MoveNext(limit.Token), "the stream ended early");
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

    /// <summary>Reads on, expecting the stream to fail; returns the failure.</summary>
    public async Task<RpcException> ReadUntilFailureAsync(TimeSpan? timeout = null)
    {
        using var limit = new CancellationTokenSource(timeout ?? DefaultTimeout);
        return await Assert.ThrowsAsync<RpcException>(async () =>
        {
            while (await _call.ResponseStream.MoveNext(limit.Token))
            {
                if (_call.ResponseStream.Current.KindCase == WatchUsersResponse.KindOneofCase.Event)
                {
                    Events.Add(_call.ResponseStream.Current.Event);
                }
            }
        });
    }

    public void Dispose() => _call.Dispose();
}
