using Google.Rpc;
using Grpc.Core;
using Mesh.ServiceDefaults.Feeds;
using Mesh.Storage;
using Mesh.Testing;
using Microsoft.Data.Sqlite;

namespace Mesh.ServiceDefaults.Tests.Feeds;

public sealed class FeedStreamerTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("mesh-feed-").FullName;

    private string DbPath => Path.Combine(_folder, "probe.db");

    [Fact]
    public async Task Watch_EmptyLog_SendsHeartbeatAtZeroThenLiveEvents()
    {
        await using var host = await FeedProbeHost.StartAsync(DbPath);
        using var reader = new UserFeedReader(host.Client, 0);

        await reader.ReadUntilAsync(r => r.Heartbeats.Count == 1);
        await host.AppendAsync(3);
        await reader.ReadUntilAsync(r => r.Events.Count == 3);

        Assert.Equal(0, reader.Heartbeats[0].HeadSequence);
        Assert.Equal([1L, 2L, 3L], reader.Events.Select(e => e.Sequence));
    }

    [Fact]
    public async Task Watch_MidBacklog_DeliversOnlyLaterEventsThenCatchUpHeartbeat()
    {
        await using var host = await FeedProbeHost.StartAsync(DbPath, pageSize: 4);
        await host.AppendAsync(10);
        using var reader = new UserFeedReader(host.Client, 6);

        await reader.ReadUntilAsync(r => r.Heartbeats.Count == 1);

        Assert.Equal([7L, 8L, 9L, 10L], reader.Events.Select(e => e.Sequence));
        Assert.Equal(10, reader.Heartbeats[0].HeadSequence);
    }

    [Fact]
    public async Task Watch_ExactlyAtHead_NoBacklogThenLiveEvents()
    {
        await using var host = await FeedProbeHost.StartAsync(DbPath);
        await host.AppendAsync(5);
        using var reader = new UserFeedReader(host.Client, 5);

        await reader.ReadUntilAsync(r => r.Heartbeats.Count == 1);
        Assert.Empty(reader.Events);
        await host.AppendAsync(2);
        await reader.ReadUntilAsync(r => r.Events.Count == 2);

        Assert.Equal([6L, 7L], reader.Events.Select(e => e.Sequence));
    }

    [Fact]
    public async Task Watch_StartAtHead_FirstHeartbeatCarriesHeadThenOnlyNewEvents()
    {
        await using var host = await FeedProbeHost.StartAsync(DbPath);
        await host.AppendAsync(4);
        using var reader = new UserFeedReader(host.Client, 0, startAtHead: true);

        await reader.ReadUntilAsync(r => r.Heartbeats.Count == 1);
        await host.AppendAsync(1);
        await reader.ReadUntilAsync(r => r.Events.Count == 1);

        Assert.Equal(4, reader.Heartbeats[0].HeadSequence);
        Assert.Equal(5, reader.Events.Single().Sequence);
    }

    [Fact]
    public async Task Watch_WritersRacingTheSwitchOver_EverySubscriberSeesEveryEventOnceInOrder()
    {
        const int writers = 3;
        const int perWriter = 1500;
        await using var host = await FeedProbeHost.StartAsync(DbPath, pageSize: 50);
        await host.AppendAsync(500); // a backlog to switch over from

        var readers = new List<(UserFeedReader Reader, long After)>();
        var writing = Enumerable.Range(0, writers).Select(w => Task.Run(() => host.AppendAsync(perWriter, $"w{w}"))).ToList();
        foreach (var after in new long[] { 0, 250, 499 })
        {
            readers.Add((new UserFeedReader(host.Client, after), after));
            await Task.Delay(20); // subscribers join while the writers run
        }

        await Task.WhenAll(writing);
        var head = 500L + (writers * perWriter);
        try
        {
            foreach (var (reader, after) in readers)
            {
                await reader.ReadUntilAsync(r => r.LastSequence == head, TimeSpan.FromSeconds(60));

                // Contiguous from after+1 to head: no gap, no duplicate, in order.
                Assert.Equal(Enumerable.Range((int)after + 1, (int)(head - after)).Select(i => (long)i), reader.Events.Select(e => e.Sequence));
            }
        }
        finally
        {
            readers.ForEach(r => r.Reader.Dispose());
        }
    }

    [Fact]
    public async Task Watch_StalledSubscriber_DoesNotHoldBackWritersOrOthersAndLosesNothing()
    {
        const int count = 3000;
        await using var host = await FeedProbeHost.StartAsync(DbPath, pageSize: 32);
        using var stalled = new UserFeedReader(host.Client, 0);
        using var fast = new UserFeedReader(host.Client, 0);
        await stalled.ReadUntilAsync(r => r.Heartbeats.Count == 1); // connected, then reads nothing

        var writing = host.AppendAsync(count, "x");
        await fast.ReadUntilAsync(r => r.LastSequence == count, TimeSpan.FromSeconds(60));
        await writing.WaitAsync(TimeSpan.FromSeconds(60));

        // The stalled subscriber, reading at last, gets every event in order.
        await stalled.ReadUntilAsync(r => r.LastSequence == count, TimeSpan.FromSeconds(60));
        Assert.Equal(Enumerable.Range(1, count).Select(i => (long)i), stalled.Events.Select(e => e.Sequence));
        Assert.Equal(count, fast.Events.Count);
    }

    [Fact]
    public async Task Watch_Idle_SendsHeartbeatsCarryingTheHead()
    {
        await using var host = await FeedProbeHost.StartAsync(DbPath, heartbeat: TimeSpan.FromMilliseconds(150));
        await host.AppendAsync(2);
        using var reader = new UserFeedReader(host.Client, 2);

        await reader.ReadUntilAsync(r => r.Heartbeats.Count >= 3, TimeSpan.FromSeconds(10));

        Assert.All(reader.Heartbeats, heartbeat => Assert.Equal(2, heartbeat.HeadSequence));
        Assert.Empty(reader.Events);
    }

    [Fact]
    public async Task Watch_FilterKeys_OnlyMatchingEventsAndHeartbeatAdvancesPastOthers()
    {
        await using var host = await FeedProbeHost.StartAsync(DbPath);
        await host.AppendAsync(["a", "b", "a", "c", "b"]);
        using var reader = new UserFeedReader(host.Client, 0, filterKeys: ["b"]);

        await reader.ReadUntilAsync(r => r.Heartbeats.Count == 1);

        Assert.Equal([2L, 5L], reader.Events.Select(e => e.Sequence));
        Assert.Equal(5, reader.Heartbeats[0].HeadSequence);
    }

    [Fact]
    public async Task Watch_ServerShutsDown_EndsUnavailableAndResumesWithoutGap()
    {
        var host = await FeedProbeHost.StartAsync(DbPath);
        await host.AppendAsync(20);
        long last;
        using (var reader = new UserFeedReader(host.Client, 0))
        {
            await reader.ReadUntilAsync(r => r.Events.Count == 20);
            var stopping = host.App.StopAsync();
            var failure = await reader.ReadUntilFailureAsync();
            await stopping;

            Assert.Equal(StatusCode.Unavailable, failure.StatusCode);
            Assert.Contains("after_sequence 20", failure.Status.Detail, StringComparison.Ordinal);
            last = reader.LastSequence;
        }

        await host.DisposeAsync();
        await using var restarted = await FeedProbeHost.StartAsync(DbPath);
        await restarted.AppendAsync(5);
        using var resumed = new UserFeedReader(restarted.Client, last);
        await resumed.ReadUntilAsync(r => r.Events.Count == 5);

        Assert.Equal([21L, 22L, 23L, 24L, 25L], resumed.Events.Select(e => e.Sequence));
    }

    [Fact]
    public async Task Watch_CursorBeyondHead_IsOutOfRange()
    {
        await using var host = await FeedProbeHost.StartAsync(DbPath);
        await host.AppendAsync(3);
        using var reader = new UserFeedReader(host.Client, 4);

        var failure = await reader.ReadUntilFailureAsync();

        Assert.Equal(StatusCode.OutOfRange, failure.StatusCode);
        Assert.Equal("CURSOR_BEYOND_HEAD", RpcAssert.Reason(failure));
    }

    [Fact]
    public async Task Watch_CursorOlderThanRetention_IsOutOfRangeButBoundaryIsFine()
    {
        await using var host = await FeedProbeHost.StartAsync(DbPath);
        await host.AppendAsync(6);
        var deleted = await host.Log.PruneAsync(DateTimeOffset.UtcNow.AddMinutes(1), long.MaxValue, CancellationToken.None);
        await host.AppendAsync(2);

        using var expired = new UserFeedReader(host.Client, 5);
        var failure = await expired.ReadUntilFailureAsync();
        using var boundary = new UserFeedReader(host.Client, 6);
        await boundary.ReadUntilAsync(r => r.Events.Count == 2);

        Assert.Equal(6, deleted);
        Assert.Equal(StatusCode.OutOfRange, failure.StatusCode);
        Assert.Equal("CURSOR_EXPIRED", RpcAssert.Reason(failure));
        Assert.Equal("after_sequence", failure.GetRpcStatus()?.GetDetail<BadRequest>()?.FieldViolations.Single().Field);
        Assert.Equal(new EventLogPosition(8, 6), EventLogCursor.PositionFrom(failure));
        Assert.Equal([7L, 8L], boundary.Events.Select(e => e.Sequence));
    }

    [Fact]
    public async Task Position_AllEventsPruned_HeadIsKept()
    {
        await using var host = await FeedProbeHost.StartAsync(DbPath);
        await host.AppendAsync(4);
        await host.Log.PruneAsync(DateTimeOffset.UtcNow.AddMinutes(1), long.MaxValue, CancellationToken.None);

        var position = await host.Log.PositionAsync(CancellationToken.None);

        Assert.Equal(new EventLogPosition(4, 4), position);
    }

    [Fact]
    public async Task Append_TransactionRolledBack_EventNeverAppears()
    {
        await using var host = await FeedProbeHost.StartAsync(DbPath);
        var database = host.Log.Database;
        await Assert.ThrowsAsync<InvalidOperationException>(() => database.WriteAsync<long>(async (connection, transaction) =>
        {
            await host.Log.AppendAsync(connection, transaction, "k", new Mesh.Users.V1.UserEvent(), DateTimeOffset.UtcNow);
            throw new InvalidOperationException("the state change failed");
        }));
        await host.AppendAsync(1);

        var events = await host.Log.ReadAsync(0, long.MaxValue, 10, [], CancellationToken.None);

        // The rolled-back append left no row; AUTOINCREMENT may skip its number, never reuse it.
        var only = Assert.Single(events);
        Assert.True(only.Sequence >= 1);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}
