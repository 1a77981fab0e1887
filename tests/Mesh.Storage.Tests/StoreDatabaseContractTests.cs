using Google.Protobuf.WellKnownTypes;
using Mesh.Testing.Postgres;

namespace Mesh.Storage.Tests;

/// <summary>
/// What every store relies on from <see cref="StoreDatabase"/> and its <see cref="SqlDialect"/>,
/// written once and run against both providers: transactions that carry their events, races
/// decided again, the dialect's fragments and snapshots.
/// </summary>
public abstract class StoreDatabaseContractTests
{
    private static readonly TimeSpan Bounded = TimeSpan.FromSeconds(30);

    protected abstract StorageProvider Provider { get; }

    [ContractFact]
    public async Task WriteAsync_DecisionReturns_CommitsRowAndEventTogether()
    {
        await using var store = await StoreHarness.CreateAsync(Provider);

        var result = await store.Database.WriteAsync(async session =>
        {
            await store.InsertAsync(session, "t1", "one");
            await session.AppendAsync(store.Log, "t1", new StringValue { Value = "created" }, DateTimeOffset.UtcNow);
            return "done";
        }, CancellationToken.None);

        Assert.Equal("done", result);
        Assert.Equal(1, await store.CountAsync());
        var position = await store.Log.PositionAsync(CancellationToken.None);
        var appended = Assert.Single(await store.Log.ReadAsync(0, position.Head, 10, [], CancellationToken.None));
        Assert.Equal("t1", appended.FilterKey);
        Assert.Equal("created", StringValue.Parser.ParseFrom(appended.Payload).Value);
    }

    [ContractFact]
    public async Task WriteAsync_DecisionThrows_RollsBackRowAndEvent()
    {
        await using var store = await StoreHarness.CreateAsync(Provider);

        await Assert.ThrowsAsync<RollbackException>(() => store.Database.WriteAsync<int>(async session =>
        {
            await store.InsertAsync(session, "t1", "one");
            await session.AppendAsync(store.Log, "t1", new StringValue { Value = "created" }, DateTimeOffset.UtcNow);
            throw new RollbackException();
        }, CancellationToken.None));

        Assert.Equal(0, await store.CountAsync());
        Assert.Equal(0, (await store.Log.PositionAsync(CancellationToken.None)).Head);
    }

    [ContractFact]
    public async Task AppendAsync_OutsideWriteTransaction_Refused()
    {
        await using var store = await StoreHarness.CreateAsync(Provider);

        await Assert.ThrowsAsync<InvalidOperationException>(() => store.Database.ReadAsync<int>(async session =>
        {
            await session.AppendAsync(store.Log, "k", new StringValue(), DateTimeOffset.UtcNow);
            return 0;
        }, CancellationToken.None));
    }

    [ContractFact]
    public async Task IsUniqueViolation_DuplicateKey_RecognisedAndNothingWritten()
    {
        await using var store = await StoreHarness.CreateAsync(Provider);
        await store.Database.WriteAsync(session => store.InsertAsync(session, "t1", "one"), CancellationToken.None);
        var attempts = 0;

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => store.Database.WriteAsync(async session =>
        {
            attempts++;
            await store.InsertAsync(session, "t2", "two");
            await store.InsertAsync(session, "t1", "again");
            return 0;
        }, CancellationToken.None));

        Assert.True(store.Database.Dialect.IsUniqueViolation(failure), $"not recognised as a unique violation: {failure}");
        Assert.False(store.Database.Dialect.IsUniqueViolation(new InvalidOperationException()));
        Assert.Equal(1, await store.CountAsync());
        // A decision that keeps colliding is decided again a bounded number of times on PostgreSQL, once on SQLite.
        Assert.Equal(Provider == StorageProvider.Postgres ? 5 : 1, attempts);
    }

    [ContractFact]
    public async Task WriteAsync_RacingCreatesOfOneName_LoserDecidesAgainAndSeesWinner()
    {
        await using var store = await StoreHarness.CreateAsync(Provider);
        // On PostgreSQL both decide before either inserts; SQLite's single writer orders them anyway.
        using var bothChecked = new Barrier(Provider == StorageProvider.Postgres ? 2 : 1);

        Task<string> CreateAsync(string id) => store.Database.WriteAsync(async session =>
        {
            var existing = await session.ExecuteScalarAsync<string>("SELECT id FROM things WHERE name = @name;", new { name = "shared" });
            if (existing is not null)
            {
                return existing;
            }

            bothChecked.SignalAndWait(Bounded);
            await store.InsertAsync(session, id, "shared");
            return id;
        }, CancellationToken.None);

        var outcomes = await Task.WhenAll(Task.Run(() => CreateAsync("a")), Task.Run(() => CreateAsync("b"))).WaitAsync(Bounded);

        Assert.Equal(outcomes[0], outcomes[1]);
        Assert.Equal(1, await store.CountAsync());
    }

    [ContractFact]
    public async Task InList_ListParameter_MatchesExactlyTheListedValues()
    {
        await using var store = await StoreHarness.CreateAsync(Provider);
        await store.Database.WriteAsync(async session =>
        {
            foreach (var id in new[] { "a", "b", "c" })
            {
                await store.InsertAsync(session, id, "name-" + id);
            }

            return 0;
        }, CancellationToken.None);

        Task<List<string>> FindAsync(string[] ids) => store.Database.ReadAsync(async session =>
            (await session.QueryAsync<string>($"SELECT id FROM things WHERE {session.Dialect.InList("id", "ids")} ORDER BY id;", new { ids })).ToList(),
            CancellationToken.None);

        Assert.Equal(["a", "c"], await FindAsync(["c", "a", "zz"]));
        Assert.Empty(await FindAsync([]));
    }

    [ContractFact]
    public async Task OrdinalCollation_OrderBy_SortsByCodePoint()
    {
        await using var store = await StoreHarness.CreateAsync(Provider);
        await store.Database.WriteAsync(async session =>
        {
            foreach (var name in new[] { "a", "B", "_", "Z" })
            {
                await store.InsertAsync(session, name, name);
            }

            return 0;
        }, CancellationToken.None);

        var names = await store.Database.ReadAsync(async session =>
            (await session.QueryAsync<string>($"SELECT name FROM things ORDER BY name {session.Dialect.OrdinalCollation};")).ToList(),
            CancellationToken.None);

        Assert.Equal(new[] { "B", "Z", "_", "a" }, names);
    }

    [ContractFact]
    public async Task Greatest_TwoExpressions_TheLarger()
    {
        await using var store = await StoreHarness.CreateAsync(Provider);

        var larger = await store.Database.ReadAsync(
            session => session.ExecuteScalarAsync<long>($"SELECT {session.Dialect.Greatest("3", "5")};"), CancellationToken.None);

        Assert.Equal(5, larger);
    }

    [ContractFact]
    public async Task ReadAsync_Snapshot_DoesNotSeeWritesCommittedDuringIt()
    {
        await using var store = await StoreHarness.CreateAsync(Provider);
        await store.Database.WriteAsync(session => store.InsertAsync(session, "t1", "one"), CancellationToken.None);

        var (before, after) = await store.Database.ReadAsync(async session =>
        {
            var first = await session.ExecuteScalarAsync<long>("SELECT count(*) FROM things;");
            await store.Database.WriteAsync(other => store.InsertAsync(other, "t2", "two"), CancellationToken.None);
            var second = await session.ExecuteScalarAsync<long>("SELECT count(*) FROM things;");
            return (first, second);
        }, CancellationToken.None, snapshot: true);

        Assert.Equal((1L, 1L), (before, after));
        Assert.Equal(2, await store.CountAsync());
    }

    [ContractFact]
    public async Task LockAsync_HeldByOneWriter_AnotherWaitsUntilItCommits()
    {
        await using var store = await StoreHarness.CreateAsync(Provider);
        var holding = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var first = Task.Run(() => store.Database.WriteAsync(async session =>
        {
            await session.Dialect.LockAsync(session, 7, 1);
            holding.SetResult();
            await release.Task.WaitAsync(Bounded);
            return 0;
        }, CancellationToken.None));
        await holding.Task.WaitAsync(Bounded);
        var second = Task.Run(() => store.Database.WriteAsync(async session =>
        {
            await session.Dialect.LockAsync(session, 7, 1);
            return 0;
        }, CancellationToken.None));

        await Task.Delay(300);
        Assert.False(second.IsCompleted, "the second writer went ahead while the first held the lock");
        release.SetResult();
        await Task.WhenAll(first, second).WaitAsync(Bounded);
    }

    [ContractFact]
    public async Task WatchAppends_WriteEnds_ReportsEachAppendedKeyAfterTheCommit()
    {
        await using var store = await StoreHarness.CreateAsync(Provider);
        var reported = new List<(string Log, string Key, long RowsThen)>();
        store.Database.WatchAppends((log, key) => reported.Add((log, key, store.CountAsync().GetAwaiter().GetResult())));

        await store.Database.WriteAsync(async session =>
        {
            await store.InsertAsync(session, "t1", "one");
            await session.AppendAsync(store.Log, "t1", new StringValue { Value = "created" }, DateTimeOffset.UtcNow);
            await store.InsertAsync(session, "t2", "two");
            await session.AppendAsync(store.Log, "t2", new StringValue { Value = "created" }, DateTimeOffset.UtcNow);
            Assert.Empty(reported); // nothing before the transaction ends
            return 0;
        }, CancellationToken.None);

        // Reported after the commit: a reader told of the key already sees both rows.
        Assert.Equal([(StoreHarness.LogName, "t1", 2L), (StoreHarness.LogName, "t2", 2L)], reported);
    }

    [ContractFact]
    public async Task WatchAppends_WriteRollsBack_StillReportsTheKeysItTouched()
    {
        await using var store = await StoreHarness.CreateAsync(Provider);
        var reported = new List<string>();
        store.Database.WatchAppends((_, key) => reported.Add(key));

        await Assert.ThrowsAsync<RollbackException>(() => store.Database.WriteAsync<int>(async session =>
        {
            await store.InsertAsync(session, "t1", "one");
            await session.AppendAsync(store.Log, "t1", new StringValue { Value = "created" }, DateTimeOffset.UtcNow);
            throw new RollbackException();
        }, CancellationToken.None));

        // A rolled-back write changed nothing, but forgetting a key too often costs one read, never a stale one.
        Assert.Equal(["t1"], reported);
    }

    [ContractFact]
    public async Task HasOneWriterProcess_OnlySqlite()
    {
        await using var store = await StoreHarness.CreateAsync(Provider);

        Assert.Equal(Provider == StorageProvider.Sqlite, store.Database.HasOneWriterProcess);
    }
}

public sealed class SqliteStoreDatabaseContractTests : StoreDatabaseContractTests
{
    protected override StorageProvider Provider => StorageProvider.Sqlite;
}

public sealed class PostgresStoreDatabaseContractTests : StoreDatabaseContractTests, IRequiresPostgres
{
    protected override StorageProvider Provider => StorageProvider.Postgres;
}
