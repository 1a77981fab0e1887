using Google.Protobuf.WellKnownTypes;
using Mesh.Storage.Sqlite;

namespace Mesh.Storage.Tests;

/// <summary>
/// SQLite commits writes that queued behind another in one transaction (group commit); each caller
/// must still get exactly what a transaction of its own would have given it.
/// </summary>
public sealed class SqliteGroupCommitTests
{
    private static readonly TimeSpan Bounded = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task WritesQueuedBehindAnother_OneThrows_TheOthersCommitInOneTransactionAndItAloneIsUndone()
    {
        await using var store = await StoreHarness.CreateAsync(StorageProvider.Sqlite);
        var database = (SqliteDatabase)store.Database;
        var (blocker, release) = await HoldTheWriterAsync(store);
        var commitsBefore = database.GroupCommits;

        var queued = Enumerable.Range(0, 10).Select(n => store.Database.WriteAsync(async session =>
        {
            await store.InsertAsync(session, $"q{n}", $"queued {n}");
            await session.AppendAsync(store.Log, $"q{n}", new StringValue { Value = "inserted" }, DateTimeOffset.UtcNow);
            return n == 4 ? throw new RollbackException() : n;
        }, CancellationToken.None)).ToList();
        release.SetResult();
        await blocker.WaitAsync(Bounded);
        await Assert.ThrowsAsync<RollbackException>(() => queued[4].WaitAsync(Bounded));

        var answers = await Task.WhenAll(queued.Where((_, n) => n != 4)).WaitAsync(Bounded);
        Assert.Equal([0, 1, 2, 3, 5, 6, 7, 8, 9], answers);
        Assert.Equal(1 + 9, await store.CountAsync());
        var head = (await store.Log.PositionAsync(CancellationToken.None)).Head;
        var events = await store.Log.ReadAsync(0, head, 100, [], CancellationToken.None);
        Assert.Equal(["blocker", "q0", "q1", "q2", "q3", "q5", "q6", "q7", "q8", "q9"], events.Select(stored => stored.FilterKey));
        Assert.Equal(events.Select(stored => stored.Sequence).Order(), events.Select(stored => stored.Sequence));
        Assert.Equal(commitsBefore + 2, database.GroupCommits); // the blocker's own, then one for the nine
    }

    [Fact]
    public async Task WriteQueuedBehindAnother_CallerGivesUp_NeverRuns()
    {
        await using var store = await StoreHarness.CreateAsync(StorageProvider.Sqlite);
        var (blocker, release) = await HoldTheWriterAsync(store);
        using var giveUp = new CancellationTokenSource();
        var ran = false;

        var abandoned = store.Database.WriteAsync(async session =>
        {
            ran = true;
            await store.InsertAsync(session, "abandoned", "should not be written");
            return 0;
        }, giveUp.Token);
        var after = store.Database.WriteAsync(session => store.InsertAsync(session, "after", "written"), CancellationToken.None);
        await giveUp.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => abandoned.WaitAsync(Bounded));
        release.SetResult();
        await Task.WhenAll(blocker, after).WaitAsync(Bounded);

        Assert.False(ran);
        Assert.Equal(2, await store.CountAsync()); // the blocker's row and the later write's
    }

    [Fact]
    public async Task WriteAlone_Throws_NothingWrittenAndTheNextWriteCommits()
    {
        await using var store = await StoreHarness.CreateAsync(StorageProvider.Sqlite);

        await Assert.ThrowsAsync<RollbackException>(() => store.Database.WriteAsync<int>(async session =>
        {
            await store.InsertAsync(session, "alone", "undone");
            throw new RollbackException();
        }, CancellationToken.None));
        await store.Database.WriteAsync(session => store.InsertAsync(session, "next", "kept"), CancellationToken.None);

        Assert.Equal(1, await store.CountAsync());
    }

    // A write that holds the writer until released, so that the next ones queue behind it.
    private static async Task<(Task Blocker, TaskCompletionSource Release)> HoldTheWriterAsync(StoreHarness store)
    {
        var holding = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var blocker = store.Database.WriteAsync(async session =>
        {
            await store.InsertAsync(session, "blocker", "first");
            await session.AppendAsync(store.Log, "blocker", new StringValue { Value = "inserted" }, DateTimeOffset.UtcNow);
            holding.SetResult();
            await release.Task;
        }, CancellationToken.None);
        await holding.Task.WaitAsync(Bounded);
        return (blocker, release);
    }
}
