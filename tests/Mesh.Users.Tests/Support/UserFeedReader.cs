using Grpc.Core;
using Mesh.Common.V1;
using Mesh.Users.V1;
using Xunit;

namespace Mesh.Users.Tests.Support;

/// <summary>A WatchUsers subscriber: collects events and heartbeats; every read is bounded in time.</summary>
public sealed class UserFeedReader : IDisposable
{
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(15);
    private readonly AsyncServerStreamingCall<WatchUsersResponse> _call;

    public UserFeedReader(UserService.UserServiceClient client, long afterSequence) =>
        _call = client.WatchUsers(new WatchUsersRequest { AfterSequence = afterSequence });

    public List<UserEvent> Events { get; } = [];

    public List<FeedHeartbeat> Heartbeats { get; } = [];

    /// <summary>Reads until a heartbeat arrives (the stream has caught up); returns the events read on the way.</summary>
    public async Task<List<UserEvent>> ReadUntilHeartbeatAsync()
    {
        var before = Events.Count;
        var heartbeats = Heartbeats.Count;
        await ReadUntilAsync(reader => reader.Heartbeats.Count > heartbeats);
        return Events[before..];
    }

    /// <summary>Reads until <paramref name="done"/> holds; fails if the stream ends or the bound passes.</summary>
    public async Task ReadUntilAsync(Func<UserFeedReader, bool> done)
    {
        using var timeout = new CancellationTokenSource(MaxWait);
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

    /// <summary>Reads on, expecting the stream to fail; returns the failure.</summary>
    public async Task<RpcException> ReadUntilFailureAsync()
    {
        using var timeout = new CancellationTokenSource(MaxWait);
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

    public void Dispose() => _call.Dispose();
}
