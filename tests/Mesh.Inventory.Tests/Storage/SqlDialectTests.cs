using Mesh.Inventory.Domain;
using Mesh.Storage;

namespace Mesh.Inventory.Tests.Storage;

/// <summary>
/// The dialect members the inventory stores added (<see cref="SqlDialect.InList"/>,
/// <see cref="SqlDialect.ForUpdateSkipLocked"/>, the text-key <see cref="SqlDialect.LockAsync(StoreSession, int, string)"/>),
/// run on the inventory schema of every provider.
/// </summary>
public abstract class SqlDialectTests
{
    private const int LockClass = 0x5445_5354; // "TEST"

    protected abstract Task<IInventoryStoreHarness> CreateHarnessAsync();

    private static async Task CreateItemsAsync(IInventoryStoreHarness harness, params string[] skus)
    {
        foreach (var sku in skus)
        {
            Assert.IsType<CreateItemOutcome.Created>(
                await harness.Items.CreateItemAsync(new ItemDefinition(sku, "Widget", "EUR", 100, 1), CancellationToken.None));
        }
    }

    [ContractFact]
    public async Task InList_ReadAndWrite_MatchesExactlyTheListedValues()
    {
        await using var harness = await CreateHarnessAsync();
        await CreateItemsAsync(harness, "A-1", "A-2", "A-3");
        string[] skus = ["A-3", "nope", "A-1"];

        var read = await harness.Database.ReadAsync(
            session => session.QueryAsync<string>($"SELECT sku FROM items WHERE {session.Dialect.InList("sku", "skus")} ORDER BY sku", new { skus }),
            CancellationToken.None);
        var written = await harness.Database.WriteAsync(
            session => session.ExecuteAsync($"UPDATE items SET name = 'Listed' WHERE {session.Dialect.InList("sku", "skus")}", new { skus }),
            CancellationToken.None);

        Assert.Equal(["A-1", "A-3"], read);
        Assert.Equal(2, written);
        Assert.Equal("Widget", (await harness.Items.GetItemAsync("A-2", CancellationToken.None))!.Name);
    }

    [ContractFact]
    public async Task ForUpdateSkipLocked_NothingLocked_ReturnsEveryRow()
    {
        await using var harness = await CreateHarnessAsync();
        await CreateItemsAsync(harness, "A-1", "A-2");

        var skus = await harness.Database.WriteAsync(
            session => session.QueryAsync<string>($"SELECT sku FROM items ORDER BY sku {session.Dialect.ForUpdateSkipLocked}"),
            CancellationToken.None);

        Assert.Equal(["A-1", "A-2"], skus);
    }

    [ContractFact]
    public async Task LockAsync_TextKey_TakenAgainInLaterWrites()
    {
        await using var harness = await CreateHarnessAsync();

        for (var round = 0; round < 2; round++)
        {
            var locked = await harness.Database.WriteAsync(async session =>
            {
                await session.Dialect.LockAsync(session, LockClass, "request-1");
                return true;
            }, CancellationToken.None);
            Assert.True(locked);
        }
    }
}

public sealed class SqliteSqlDialectTests : SqlDialectTests
{
    protected override async Task<IInventoryStoreHarness> CreateHarnessAsync() => await SqliteInventoryStoreHarness.CreateAsync();
}

public sealed class PostgresSqlDialectTests : SqlDialectTests, IRequiresPostgres
{
    private const int LockClass = 0x5445_5354;
    private static readonly TimeSpan Blocked = TimeSpan.FromMilliseconds(300);

    protected override async Task<IInventoryStoreHarness> CreateHarnessAsync() => await PostgresInventoryStoreHarness.CreateAsync();

    [PostgresFact]
    public async Task ForUpdateSkipLocked_RowLockedByAnotherReplica_LeftOutWithoutWaiting()
    {
        await using var harness = await PostgresInventoryStoreHarness.CreateAsync();
        var other = await harness.AddReplicaAsync();
        await harness.Items.CreateItemAsync(new ItemDefinition("A-1", "Widget", "EUR", 100, 1), CancellationToken.None);
        await harness.Items.CreateItemAsync(new ItemDefinition("A-2", "Widget", "EUR", 100, 1), CancellationToken.None);
        var locked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var holder = harness.Database.WriteAsync(async session =>
        {
            await session.QueryAsync<string>($"SELECT sku FROM items WHERE sku = 'A-1' {session.Dialect.ForUpdate}");
            locked.SetResult();
            await release.Task;
            return true;
        }, CancellationToken.None);
        await locked.Task;
        try
        {
            var skipped = other.Database.WriteAsync(
                session => session.QueryAsync<string>($"SELECT sku FROM items ORDER BY sku {session.Dialect.ForUpdateSkipLocked}"),
                CancellationToken.None);

            Assert.Equal(["A-2"], await skipped.WaitAsync(TimeSpan.FromSeconds(10)));
        }
        finally
        {
            release.SetResult();
            await holder;
        }
    }

    [PostgresFact]
    public async Task LockAsync_SameTextKeyOnAnotherReplica_WaitsForTheHolderAndOtherKeysDoNot()
    {
        await using var harness = await PostgresInventoryStoreHarness.CreateAsync();
        var other = await harness.AddReplicaAsync();
        var locked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Task<bool> LockAsync(StoreDatabase database, string key) => database.WriteAsync(async session =>
        {
            await session.Dialect.LockAsync(session, LockClass, key);
            return true;
        }, CancellationToken.None);

        var holder = harness.Database.WriteAsync(async session =>
        {
            await session.Dialect.LockAsync(session, LockClass, "request-1");
            locked.SetResult();
            await release.Task;
            return true;
        }, CancellationToken.None);
        await locked.Task;
        var sameKey = LockAsync(other.Database, "request-1");
        try
        {
            Assert.True(await LockAsync(other.Database, "request-2").WaitAsync(TimeSpan.FromSeconds(10)));
            await Task.Delay(Blocked);
            Assert.False(sameKey.IsCompleted, "the same key was locked twice at once");
        }
        finally
        {
            release.SetResult();
            await holder;
        }

        Assert.True(await sameKey.WaitAsync(TimeSpan.FromSeconds(10)));
    }
}
