using Google.Protobuf;
using Grpc.Core;
using Mesh.ServiceDefaults.Feeds;
using Mesh.Storage;

namespace Mesh.Storage.Tests;

/// <summary>
/// The event-log contract, written once and run against every provider (the derived classes
/// below), so SQLite and PostgreSQL can never drift apart.
/// </summary>
public abstract class EventLogContractTests
{
    private static readonly TimeSpan Bounded = TimeSpan.FromSeconds(60);

    // Once every writer is done, a follower that skipped nothing is at the head within moments.
    private static readonly TimeSpan CatchUp = TimeSpan.FromSeconds(20);

    protected abstract Task<IEventLogHarness> CreateHarnessAsync();

    [ContractFact]
    public async Task AppendAsync_SeveralEvents_ReadReturnsThemInOrderAndPositionIsHead()
    {
        await using var harness = await CreateHarnessAsync();
        Assert.Equal(new EventLogPosition(0, 0), await harness.Log.PositionAsync(CancellationToken.None));

        var first = await harness.AppendOneAsync("a");
        var batch = await harness.AppendAsync(["b", "c"], DateTimeOffset.UtcNow);

        long[] appended = [first, .. batch];
        Assert.True(appended.SequenceEqual(appended.Order()) && appended.Distinct().Count() == 3, $"sequences {string.Join(",", appended)} are not increasing");
        var position = await harness.Log.PositionAsync(CancellationToken.None);
        Assert.Equal(appended[^1], position.Head);
        Assert.Equal(0, position.PrunedThrough);

        var all = await harness.Log.ReadAsync(0, position.Head, 100, [], CancellationToken.None);
        Assert.Equal(appended, all.Select(e => e.Sequence));
        Assert.Equal(["a", "b", "c"], all.Select(e => e.FilterKey));
        Assert.Equal(EventLogHarnessExtensions.Payload("b", 0).ToByteArray(), all[1].Payload);

        var page = await harness.Log.ReadAsync(first, position.Head, 1, [], CancellationToken.None);
        Assert.Equal([batch[0]], page.Select(e => e.Sequence));
        Assert.Empty(await harness.Log.ReadAsync(position.Head, position.Head, 100, [], CancellationToken.None));
    }

    [ContractFact]
    public async Task ReadAsync_FilterKeys_ReturnsOnlyMatchingEvents()
    {
        await using var harness = await CreateHarnessAsync();
        await harness.AppendAsync(["red", "green", "blue", "red", "green"], DateTimeOffset.UtcNow);
        var head = (await harness.Log.PositionAsync(CancellationToken.None)).Head;

        var filtered = await harness.Log.ReadAsync(0, head, 100, ["red", "blue"], CancellationToken.None);

        Assert.Equal(["red", "blue", "red"], filtered.Select(e => e.FilterKey));
        Assert.Empty(await harness.Log.ReadAsync(0, head, 100, ["none"], CancellationToken.None));
    }

    [ContractFact]
    public async Task AppendAsync_TransactionRolledBack_EventNeverVisible()
    {
        await using var harness = await CreateHarnessAsync();
        var before = await harness.AppendOneAsync("kept");

        await harness.AppendAsync(["lost", "lost"], DateTimeOffset.UtcNow, commit: false);
        var after = await harness.AppendOneAsync("kept");

        var position = await harness.Log.PositionAsync(CancellationToken.None);
        Assert.Equal(after, position.Head);
        var all = await harness.Log.ReadAsync(0, position.Head, 100, [], CancellationToken.None);
        Assert.Equal([before, after], all.Select(e => e.Sequence));
        Assert.DoesNotContain(all, e => e.FilterKey == "lost");
    }

    [ContractFact]
    public async Task PruneAsync_OldEvents_DeletesThemAndCursorBeforeThemIsOutOfRange()
    {
        await using var harness = await CreateHarnessAsync();
        var now = DateTimeOffset.UtcNow;
        var old = await harness.AppendAsync(["a", "b", "c"], now - TimeSpan.FromDays(40));
        var recent = await harness.AppendAsync(["d"], now);

        var deleted = await harness.Log.PruneAsync(now - TimeSpan.FromDays(30), long.MaxValue, CancellationToken.None);

        Assert.Equal(3, deleted);
        var position = await harness.Log.PositionAsync(CancellationToken.None);
        Assert.Equal(new EventLogPosition(recent[0], old[^1]), position);
        Assert.Equal(recent, (await harness.Log.ReadAsync(0, position.Head, 100, [], CancellationToken.None)).Select(e => e.Sequence));

        // The boundary: resuming after the last pruned event is fine, before it is not.
        EventLogCursor.EnsureReadable(position, old[^1]);
        EventLogCursor.EnsureReadable(position, position.Head);
        var expired = Assert.Throws<RpcException>(() => EventLogCursor.EnsureReadable(position, old[^1] - 1));
        Assert.Equal(StatusCode.OutOfRange, expired.StatusCode);
        var beyond = Assert.Throws<RpcException>(() => EventLogCursor.EnsureReadable(position, position.Head + 1));
        Assert.Equal(StatusCode.OutOfRange, beyond.StatusCode);
        Assert.Equal(position, EventLogCursor.PositionFrom(expired));
    }

    [ContractFact]
    public async Task PruneAsync_BoundedBySequence_KeepsOldEventsAfterTheBound()
    {
        await using var harness = await CreateHarnessAsync();
        var old = await harness.AppendAsync(["a", "b", "c"], DateTimeOffset.UtcNow - TimeSpan.FromDays(40));

        Assert.Equal(1, await harness.Log.PruneAsync(DateTimeOffset.UtcNow - TimeSpan.FromDays(30), old[0], CancellationToken.None));
        Assert.Equal(0, await harness.Log.PruneAsync(DateTimeOffset.UtcNow - TimeSpan.FromDays(30), old[0], CancellationToken.None));

        var position = await harness.Log.PositionAsync(CancellationToken.None);
        Assert.Equal(new EventLogPosition(old[^1], old[0]), position);
        Assert.Equal(old.Skip(1), (await harness.Log.ReadAsync(0, position.Head, 100, [], CancellationToken.None)).Select(e => e.Sequence));
    }

    [ContractFact]
    public async Task PruneAsync_EveryEventExpired_HeadStaysAndNextAppendIsAfterIt()
    {
        await using var harness = await CreateHarnessAsync();
        var old = await harness.AppendAsync(["a", "b"], DateTimeOffset.UtcNow - TimeSpan.FromDays(40));

        Assert.Equal(2, await harness.Log.PruneAsync(DateTimeOffset.UtcNow - TimeSpan.FromDays(30), long.MaxValue, CancellationToken.None));
        Assert.Equal(0, await harness.Log.PruneAsync(DateTimeOffset.UtcNow - TimeSpan.FromDays(30), long.MaxValue, CancellationToken.None));

        Assert.Equal(new EventLogPosition(old[^1], old[^1]), await harness.Log.PositionAsync(CancellationToken.None));
        var next = await harness.AppendOneAsync("c");
        Assert.True(next > old[^1]);
    }

    [ContractFact]
    public async Task NextChange_TakenBeforeAppend_CompletesAfterCommit()
    {
        await using var harness = await CreateHarnessAsync();
        // Let a provider that listens for changes settle first (its first change may be "now listening").
        await Task.WhenAny(harness.Log.NextChange(), Task.Delay(TimeSpan.FromMilliseconds(500)));
        var change = harness.Log.NextChange();

        await harness.AppendOneAsync("a");

        await change.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [ContractFact]
    public async Task NextChange_CommitThatAppendedNothingToTheLog_WakesNobodyUntilAnAppend()
    {
        await using var harness = await CreateHarnessAsync();
        await Task.WhenAny(harness.Log.NextChange(), Task.Delay(TimeSpan.FromMilliseconds(500)));
        var change = harness.Log.NextChange();

        // A write of the same database that appends nothing (as a consumer storing its cursor):
        // every follower of the log waking to read nothing would cost each of them a read per commit.
        await harness.AppendAsync([], DateTimeOffset.UtcNow);
        var woken = await Task.WhenAny(change, Task.Delay(TimeSpan.FromMilliseconds(300))) == change;
        await harness.AppendOneAsync("a");

        Assert.False(woken, "a commit that appended nothing to the log woke its followers");
        await change.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [ContractFact]
    public async Task StreamAsync_ConcurrentWritersRaceLiveFollowers_EveryFollowerSeesEveryCommittedEventOnceInOrder()
    {
        const int writers = 8;
        const int transactionsPerWriter = 300;
        await using var harness = await CreateHarnessAsync();
        var rolledBackEvery = 7; // some transactions roll back: their sequences must never show up

        // A long heartbeat, so the followers depend on change notifications, not on polling.
        var followers = Enumerable.Range(0, 3)
            .Select(_ => new FeedFollower(harness.Log, FeedSubscription.All(0), TimeSpan.FromSeconds(30), pageSize: 50))
            .ToList();
        try
        {
            var writes = Enumerable.Range(0, writers).Select(writer => Task.Run(async () =>
            {
                var committed = new List<long>();
                for (var i = 0; i < transactionsPerWriter; i++)
                {
                    var commit = (writer * transactionsPerWriter + i) % rolledBackEvery != 0;
                    var sequences = await harness.AppendAsync([$"w{writer}"], DateTimeOffset.UtcNow, SmallRandomDelay, commit);
                    committed.AddRange(sequences);
                }

                return committed;
            })).ToList();
            var committedSequences = (await Task.WhenAll(writes).WaitAsync(Bounded)).SelectMany(s => s).Order().ToList();

            var expectedCount = writers * transactionsPerWriter - Enumerable.Range(0, writers * transactionsPerWriter).Count(n => n % rolledBackEvery == 0);
            Assert.Equal(expectedCount, committedSequences.Count);
            var head = (await harness.Log.PositionAsync(CancellationToken.None)).Head;
            Assert.Equal(committedSequences[^1], head);
            Assert.Equal(committedSequences, (await ReadAllAsync(harness.Log, head)).Select(e => e.Sequence));

            for (var f = 0; f < followers.Count; f++)
            {
                var arrived = await followers[f].WaitForAsync(committedSequences.Count, CatchUp);
                var seen = followers[f].Sequences;
                Assert.True(arrived, $"follower {f} saw {seen.Count} of {committedSequences.Count} events within {CatchUp}; missing e.g. {string.Join(",", committedSequences.Except(seen).Take(10))}");
                Assert.True(committedSequences.SequenceEqual(seen),
                    $"follower {f}: expected every committed event once in order; missing {string.Join(",", committedSequences.Except(seen).Take(10))}, " +
                    $"extra {string.Join(",", seen.Except(committedSequences).Take(10))}, duplicates {seen.Count - seen.Distinct().Count()}");
            }

            // Nothing more arrives: no event twice, late.
            await Task.Delay(200);
            Assert.All(followers, follower => Assert.Equal(committedSequences.Count, follower.Count));
        }
        finally
        {
            foreach (var follower in followers)
            {
                await follower.DisposeAsync();
            }
        }
    }

    [ContractFact]
    public async Task StreamAsync_FollowerFromCursorWithFilter_GetsBacklogThenLiveMatchingEvents()
    {
        await using var harness = await CreateHarnessAsync();
        var backlog = await harness.AppendAsync(["x", "y", "x", "y"], DateTimeOffset.UtcNow);
        await using var follower = new FeedFollower(harness.Log, new FeedSubscription(backlog[0], ["x"]), TimeSpan.FromSeconds(30));
        Assert.True(await follower.WaitForAsync(1, Bounded));

        var live = await harness.AppendAsync(["y", "x"], DateTimeOffset.UtcNow);

        Assert.True(await follower.WaitForAsync(2, Bounded));
        Assert.Equal([backlog[2], live[1]], follower.Sequences);
    }

    private static async Task<List<StoredEvent>> ReadAllAsync(IEventLog log, long head)
    {
        var all = new List<StoredEvent>();
        var cursor = 0L;
        while (true)
        {
            var page = await log.ReadAsync(cursor, head, 500, [], CancellationToken.None);
            if (page.Count == 0)
            {
                return all;
            }

            all.AddRange(page);
            cursor = page[^1].Sequence;
        }
    }

    /// <summary>Inside the transaction, between append and commit: nothing, a yield, or about a millisecond.</summary>
    private static Task SmallRandomDelay() => Random.Shared.Next(3) switch
    {
        0 => Task.CompletedTask,
        1 => Task.Run(() => { }),
        _ => Task.Delay(1),
    };
}

public sealed class SqliteEventLogContractTests : EventLogContractTests
{
    protected override async Task<IEventLogHarness> CreateHarnessAsync() => await SqliteHarness.CreateAsync();
}

public sealed class PostgresEventLogContractTests : EventLogContractTests, IRequiresPostgres
{
    protected override async Task<IEventLogHarness> CreateHarnessAsync() => await PostgresHarness.CreateAsync();
}

/// <summary>The same contract when events are appended with the commit, as the services append them.</summary>
public sealed class PostgresAtCommitEventLogContractTests : EventLogContractTests, IRequiresPostgres
{
    protected override async Task<IEventLogHarness> CreateHarnessAsync() => await PostgresHarness.CreateAsync(atCommit: true);
}
