using Grpc.Core;
using Mesh.ServiceDefaults.Feeds;
using Mesh.Storage;
using Mesh.Testing;
using Mesh.Testing.Postgres;
using Mesh.Users.Tests.Support;
using Mesh.Users.V1;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit;

namespace Mesh.Users.Tests.Feeds;

/// <summary>WatchUsers end to end: cursors at every boundary, live events, heartbeats, bad cursors, retention, shutdown.</summary>
public abstract class WatchUsersTests
{
    protected abstract StorageProvider Provider { get; }

    [ContractFact]
    public async Task WatchUsers_EmptyLogFromZero_SendsHeartbeatAtZeroThenLiveEvent()
    {
        await using var storage = await UsersTestStorage.CreateAsync(Provider);
        using var host = storage.StartHost();
        using var reader = new UserFeedReader(host.Client, afterSequence: 0);

        Assert.Empty(await reader.ReadUntilHeartbeatAsync());
        Assert.Equal(0, reader.Heartbeats[^1].HeadSequence);

        var user = await host.CreateUserAsync();
        await reader.ReadUntilAsync(r => r.Events.Count == 1);
        Assert.Equal(1, reader.Events[0].Sequence);
        Assert.Equal(user, reader.Events[0].User);
    }

    [ContractFact]
    public async Task WatchUsers_FromZero_DeliversEveryEventInOrderThenHeartbeatAtHead()
    {
        await using var storage = await UsersTestStorage.CreateAsync(Provider);
        using var host = storage.StartHost();
        var (first, second) = (await host.CreateUserAsync(), await host.CreateUserAsync());
        await host.Client.UpdateUserAsync(new UpdateUserRequest { UserId = first.UserId, DisplayName = "Renamed" });
        await host.Client.DeactivateUserAsync(new DeactivateUserRequest { UserId = second.UserId });

        using var reader = new UserFeedReader(host.Client, afterSequence: 0);
        var events = await reader.ReadUntilHeartbeatAsync();

        Assert.Equal([1L, 2, 3, 4], events.Select(e => e.Sequence));
        Assert.Equal(
            [UserEventType.UserCreated, UserEventType.UserCreated, UserEventType.UserUpdated, UserEventType.UserDeactivated],
            events.Select(e => e.Type));
        Assert.Equal([first.UserId, second.UserId, first.UserId, second.UserId], events.Select(e => e.User.UserId));
        Assert.Equal(4, reader.Heartbeats[^1].HeadSequence);
    }

    [ContractFact]
    public async Task WatchUsers_FromTheMiddle_DeliversOnlyLaterEvents()
    {
        await using var storage = await UsersTestStorage.CreateAsync(Provider);
        using var host = storage.StartHost();
        var users = new List<User>();
        for (var index = 0; index < 5; index++)
        {
            users.Add(await host.CreateUserAsync());
        }

        using var reader = new UserFeedReader(host.Client, afterSequence: 2);
        var events = await reader.ReadUntilHeartbeatAsync();

        Assert.Equal([3L, 4, 5], events.Select(e => e.Sequence));
        Assert.Equal(users[2..].Select(u => u.UserId), events.Select(e => e.User.UserId));
    }

    [ContractFact]
    public async Task WatchUsers_ExactlyAtHead_SendsHeartbeatThenOnlyTheLiveEvent()
    {
        await using var storage = await UsersTestStorage.CreateAsync(Provider);
        using var host = storage.StartHost();
        await host.CreateUserAsync();
        await host.CreateUserAsync();
        using var reader = new UserFeedReader(host.Client, afterSequence: 2);
        Assert.Empty(await reader.ReadUntilHeartbeatAsync());

        var live = await host.CreateUserAsync();

        await reader.ReadUntilAsync(r => r.Events.Count == 1);
        Assert.Equal(3, reader.Events[0].Sequence);
        Assert.Equal(UserEventType.UserCreated, reader.Events[0].Type);
        Assert.Equal(live, reader.Events[0].User);
    }

    [ContractFact]
    public async Task WatchUsers_StartAtHead_HeartbeatAtTheHeadThenOnlyNewEvents()
    {
        await using var storage = await UsersTestStorage.CreateAsync(Provider);
        using var host = storage.StartHost();
        await host.CreateUserAsync();
        await host.CreateUserAsync();

        // after_sequence is ignored with start_at_head, as orders' user directory sends it.
        using var reader = new UserFeedReader(host.Client, afterSequence: 0, startAtHead: true);
        Assert.Empty(await reader.ReadUntilHeartbeatAsync());
        Assert.Equal(2, reader.Heartbeats[0].HeadSequence);

        var live = await host.CreateUserAsync();
        await reader.ReadUntilAsync(r => r.Events.Count == 1);
        Assert.Equal((3L, live.UserId), (reader.Events[0].Sequence, reader.Events[0].User.UserId));
    }

    [ContractFact]
    public async Task WatchUsers_NegativeCursor_FailsInvalidArgumentNamingAfterSequence()
    {
        await using var storage = await UsersTestStorage.CreateAsync(Provider);
        using var host = storage.StartHost();
        using var reader = new UserFeedReader(host.Client, afterSequence: -1);

        var failure = await reader.ReadUntilFailureAsync();

        Assert.Equal(StatusCode.InvalidArgument, failure.StatusCode);
        Assert.Contains("after_sequence", failure.Status.Detail, StringComparison.Ordinal);
    }

    [ContractFact]
    public async Task WatchUsers_CursorBeyondHead_FailsOutOfRangeCursorBeyondHead()
    {
        await using var storage = await UsersTestStorage.CreateAsync(Provider);
        using var host = storage.StartHost();
        await host.CreateUserAsync();
        using var reader = new UserFeedReader(host.Client, afterSequence: 2);

        var failure = await reader.ReadUntilFailureAsync();

        Assert.Equal(StatusCode.OutOfRange, failure.StatusCode);
        Assert.Equal("CURSOR_BEYOND_HEAD", RpcAssert.Reason(failure));
    }

    [ContractFact]
    public async Task WatchUsers_CursorOlderThanRetention_FailsOutOfRangeCursorExpiredButRetainedBoundaryReads()
    {
        await using var storage = await UsersTestStorage.CreateAsync(Provider);
        using var host = storage.StartHost();
        await host.CreateUserAsync();
        await host.CreateUserAsync();
        host.Time.Advance(TimeSpan.FromDays(31)); // past the default 30-day retention
        var pruner = host.Factory.Services.GetServices<IHostedService>().OfType<EventLogPruner>().Single();
        Assert.Equal(2, await pruner.PruneOnceAsync(CancellationToken.None));

        using var expired = new UserFeedReader(host.Client, afterSequence: 1);
        var failure = await expired.ReadUntilFailureAsync();
        Assert.Equal(StatusCode.OutOfRange, failure.StatusCode);
        Assert.Equal("CURSOR_EXPIRED", RpcAssert.Reason(failure));

        using var atBoundary = new UserFeedReader(host.Client, afterSequence: 2);
        Assert.Empty(await atBoundary.ReadUntilHeartbeatAsync());
        Assert.Equal(2, atBoundary.Heartbeats[^1].HeadSequence);
    }

    [ContractFact]
    public async Task WatchUsers_Idle_SendsHeartbeatsCarryingTheHead()
    {
        await using var storage = await UsersTestStorage.CreateAsync(Provider);
        using var host = storage.StartHost(realClock: true, settings: ("Mesh:Feeds:HeartbeatInterval", "00:00:00.100"));
        await host.CreateUserAsync();
        using var reader = new UserFeedReader(host.Client, afterSequence: 1);

        // The first heartbeat announces the catch-up; the next ones come only from idling.
        await reader.ReadUntilAsync(r => r.Heartbeats.Count >= 3);

        Assert.Empty(reader.Events);
        Assert.All(reader.Heartbeats, heartbeat => Assert.Equal(1, heartbeat.HeadSequence));
    }

    [ContractFact]
    public async Task WatchUsers_ServerShutsDown_EndsUnavailableAndResumesOnNewHostWithoutGap()
    {
        await using var storage = await UsersTestStorage.CreateAsync(Provider);
        long last;
        using (var first = storage.StartHost())
        {
            for (var index = 0; index < 3; index++)
            {
                await first.CreateUserAsync();
            }

            using var reader = new UserFeedReader(first.Client, afterSequence: 0);
            await reader.ReadUntilHeartbeatAsync();
            first.Service<IHostApplicationLifetime>().StopApplication();

            var failure = await reader.ReadUntilFailureAsync();

            Assert.Equal(StatusCode.Unavailable, failure.StatusCode);
            last = reader.Events[^1].Sequence;
        }

        SqliteConnection.ClearAllPools();
        using var second = storage.StartHost();
        var added = await second.CreateUserAsync();
        using var resumed = new UserFeedReader(second.Client, last);
        var events = await resumed.ReadUntilHeartbeatAsync();

        Assert.Equal(3, last);
        var only = Assert.Single(events);
        Assert.Equal(last + 1, only.Sequence);
        Assert.Equal(added, only.User);
    }
}

public sealed class SqliteWatchUsersTests : WatchUsersTests
{
    protected override StorageProvider Provider => StorageProvider.Sqlite;
}

public sealed class PostgresWatchUsersTests : WatchUsersTests, IRequiresPostgres
{
    protected override StorageProvider Provider => StorageProvider.Postgres;
}
