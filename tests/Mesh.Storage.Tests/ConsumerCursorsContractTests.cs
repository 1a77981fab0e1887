using Mesh.Testing.Postgres;

namespace Mesh.Storage.Tests;

/// <summary>
/// One cursor per consumer group, on both providers: it never moves back unless reset, and
/// processes (or replicas) applying the same consumer take turns on its row, so each event takes
/// effect once.
/// </summary>
public abstract class ConsumerCursorsContractTests
{
    private const string Consumer = "probe-consumer";
    private static readonly TimeSpan Bounded = TimeSpan.FromSeconds(60);

    protected abstract StorageProvider Provider { get; }

    [ContractFact]
    public async Task Get_UnknownConsumer_IsZero()
    {
        await using var store = await StoreHarness.CreateAsync(Provider);

        Assert.Equal(0, await new ConsumerCursors(store.Database).GetAsync(Consumer, CancellationToken.None));
    }

    [ContractFact]
    public async Task Set_NeverMovesBackwards_ResetDoes()
    {
        await using var store = await StoreHarness.CreateAsync(Provider);
        var cursors = new ConsumerCursors(store.Database);
        var now = DateTimeOffset.UtcNow;

        await store.Database.WriteAsync(async session =>
        {
            await ConsumerCursors.SetAsync(session, Consumer, 40, now);
            await ConsumerCursors.SetAsync(session, Consumer, 12, now);
        }, CancellationToken.None);
        Assert.Equal(40, await cursors.GetAsync(Consumer, CancellationToken.None));
        Assert.Equal(40, await store.Database.WriteAsync(session => ConsumerCursors.LockAsync(session, Consumer, now), CancellationToken.None));

        await store.Database.WriteAsync(session => ConsumerCursors.ResetAsync(session, Consumer, 7, now), CancellationToken.None);
        Assert.Equal(7, await cursors.GetAsync(Consumer, CancellationToken.None));
        Assert.Equal(0, await cursors.GetAsync("other", CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(
            () => store.Database.WriteAsync(session => ConsumerCursors.SetAsync(session, Consumer, -1, now), CancellationToken.None));
    }

    [ContractFact]
    public async Task Set_InTransactionWhoseEffectFails_RollsBackWithTheEffect()
    {
        await using var store = await StoreHarness.CreateAsync(Provider);
        await store.Database.WriteAsync(session => ConsumerCursors.SetAsync(session, Consumer, 10, DateTimeOffset.UtcNow), CancellationToken.None);

        await Assert.ThrowsAsync<InvalidOperationException>(() => store.Database.WriteAsync(async session =>
        {
            await ConsumerCursors.SetAsync(session, Consumer, 99, DateTimeOffset.UtcNow);
            await store.InsertAsync(session, "effect", "effect");
            throw new InvalidOperationException("the effect failed");
        }, CancellationToken.None));

        Assert.Equal(10, await new ConsumerCursors(store.Database).GetAsync(Consumer, CancellationToken.None));
        Assert.Equal(0, await store.CountAsync());
    }

    [ContractFact]
    public async Task Lock_TwoReplicasApplyingTheSameEventsAtOnce_EachEventTakesEffectOnce()
    {
        await using var store = await StoreHarness.CreateAsync(Provider);
        var replicas = new[] { store.Database, store.OpenReplica() };

        // Both replicas follow the same feed from the start, in order, in batches of different
        // sizes (so their batches overlap), several followers per replica.
        const int Events = 200;
        var followers = Enumerable.Range(0, 6).Select(follower => Task.Run(async () =>
        {
            var replica = replicas[follower % 2];
            var size = 3 + (follower * 4);
            for (var start = 1; start <= Events; start += size)
            {
                var batch = Enumerable.Range(start, Math.Min(size, Events - start + 1)).Select(value => (long)value).ToList();
                await ApplyAsync(store, replica, batch);
            }
        }));
        await Task.WhenAll(followers).WaitAsync(Bounded);

        var applied = await store.Database.ReadAsync(
            async session => (await session.QueryAsync<long>("SELECT n FROM things ORDER BY n;")).ToList(), CancellationToken.None);
        Assert.Equal(Enumerable.Range(1, Events).Select(value => (long)value), applied);
        Assert.Equal(Events, await new ConsumerCursors(replicas[1]).GetAsync(Consumer, CancellationToken.None));
    }

    [ContractFact]
    public async Task Lock_HeldByOneTransaction_TheOtherWaitsAndThenSeesTheNewCursor()
    {
        await using var store = await StoreHarness.CreateAsync(Provider);
        var replicaB = store.OpenReplica();
        var holding = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var first = Task.Run(() => store.Database.WriteAsync(async session =>
        {
            Assert.Equal(0, await ConsumerCursors.LockAsync(session, Consumer, DateTimeOffset.UtcNow));
            holding.SetResult();
            await release.Task.WaitAsync(Bounded);
            await ConsumerCursors.SetAsync(session, Consumer, 5, DateTimeOffset.UtcNow);
        }, CancellationToken.None));
        await holding.Task.WaitAsync(Bounded);

        var second = Task.Run(() => replicaB.WriteAsync(session => ConsumerCursors.LockAsync(session, Consumer, DateTimeOffset.UtcNow), CancellationToken.None));
        await Task.Delay(300);
        Assert.False(second.IsCompleted, "the second replica must wait for the first one's transaction");

        release.SetResult();
        await first.WaitAsync(Bounded);
        Assert.Equal(5, await second.WaitAsync(Bounded));
    }

    private static Task<long> ApplyAsync(StoreHarness store, StoreDatabase replica, IReadOnlyList<long> batch) =>
        replica.WriteAsync(async session =>
        {
            var cursor = await ConsumerCursors.LockAsync(session, Consumer, DateTimeOffset.UtcNow);
            foreach (var sequence in batch.Where(sequence => sequence > cursor))
            {
                await store.InsertAsync(session, $"effect-{sequence}", $"effect-{sequence}", sequence);
                cursor = sequence;
            }

            await ConsumerCursors.SetAsync(session, Consumer, cursor, DateTimeOffset.UtcNow);
            return cursor;
        }, CancellationToken.None);
}

public sealed class SqliteConsumerCursorsContractTests : ConsumerCursorsContractTests
{
    protected override StorageProvider Provider => StorageProvider.Sqlite;
}

public sealed class PostgresConsumerCursorsContractTests : ConsumerCursorsContractTests, IRequiresPostgres
{
    protected override StorageProvider Provider => StorageProvider.Postgres;
}
