using Mesh.Orders.Domain;
using Mesh.Testing.Postgres;

namespace Mesh.Orders.Tests.Storage;

/// <summary>
/// What every catalog cache guarantees, run against each provider (the derived classes below);
/// the race runs two replicas' caches, each following the whole feed, on one database.
/// </summary>
public abstract class CatalogCacheStoreContractTests
{
    private const string Consumer = "inventory-catalog";

    protected abstract Task<OrdersStorageHarness> CreateHarnessAsync();

    [ContractFact]
    public async Task ApplyAsync_NewEvents_WritesItemsAndMovesCursor()
    {
        await using var storage = await CreateHarnessAsync();

        var cursor = await storage.Cache.ApplyAsync(Consumer, [Item("pen", 250, 1), Item("pad", 900, 2), Item("pen", 300, 3)]);

        Assert.Equal(3, cursor);
        Assert.Equal(3, await storage.Cursors.GetAsync(Consumer, CancellationToken.None));
        var found = await storage.Cache.FindAsync(["pen", "pad", "ink"], CancellationToken.None);
        Assert.Equal(Item("pen", 300, 3), found["pen"]);
        Assert.Equal(Item("pad", 900, 2), found["pad"]);
        Assert.False(found.ContainsKey("ink"));
    }

    [ContractFact]
    public async Task ApplyAsync_EventsAtOrBelowCursor_SkippedAndCursorKept()
    {
        await using var storage = await CreateHarnessAsync();
        await storage.Cache.ApplyAsync(Consumer, [Item("pen", 300, 5)]);

        var cursor = await storage.SecondReplicaCache.ApplyAsync(Consumer, [Item("pen", 100, 4), Item("pad", 900, 5)]);

        Assert.Equal(5, cursor);
        var found = await storage.Cache.FindAsync(["pen", "pad"], CancellationToken.None);
        Assert.Equal(300, found["pen"].UnitPriceMinor);
        Assert.False(found.ContainsKey("pad"));
    }

    [ContractFact]
    public async Task AdvanceAsync_BelowCursor_NeverMovesBack()
    {
        await using var storage = await CreateHarnessAsync();
        await storage.Cache.AdvanceAsync(Consumer, 10);

        await storage.SecondReplicaCache.AdvanceAsync(Consumer, 7);

        Assert.Equal(10, await storage.Cursors.GetAsync(Consumer, CancellationToken.None));
    }

    [ContractFact]
    public async Task ReplaceAsync_Snapshot_ReplacesEveryItemAndResetsCursorEvenBackwards()
    {
        await using var storage = await CreateHarnessAsync();
        await storage.Cache.ApplyAsync(Consumer, [Item("pen", 300, 40), Item("old", 1, 41)]);

        await storage.SecondReplicaCache.ReplaceAsync(Consumer, [Item("pen", 200, 7), Item("pad", 900, 7)], 7);

        Assert.Equal(7, await storage.Cursors.GetAsync(Consumer, CancellationToken.None));
        var found = await storage.Cache.FindAsync(["pen", "pad", "old"], CancellationToken.None);
        Assert.Equal([("pad", 900L), ("pen", 200L)], found.Values.Select(item => (item.Sku, item.UnitPriceMinor)).Order());
        Assert.Equal(8, await storage.Cache.ApplyAsync(Consumer, [Item("pen", 210, 8)]));
    }

    [ContractFact]
    public async Task FindAsync_NoSkus_Empty()
    {
        await using var storage = await CreateHarnessAsync();

        Assert.Empty(await storage.Cache.FindAsync([], CancellationToken.None));
    }

    [ContractFact]
    public async Task ApplyAsync_TwoReplicasApplyTheSameFeedConcurrently_EachEventWrittenOnceAndFinalPricesRight()
    {
        await using var storage = await CreateHarnessAsync();
        await storage.AuditCatalogWritesAsync();
        var feed = Enumerable.Range(1, 300).Select(sequence => Item($"sku-{sequence % 7}", 1000 + sequence, sequence)).ToList();

        // Each replica follows the whole feed in order, in batches of its own sizes, as its own stream delivers them.
        var cursors = await Task.WhenAll(
            Task.Run(() => FollowAsync(storage.Cache, feed, seed: 1)),
            Task.Run(() => FollowAsync(storage.SecondReplicaCache, feed, seed: 2)));

        Assert.All(cursors, cursor => Assert.Equal(300, cursor));
        Assert.Equal(300, await storage.Cursors.GetAsync(Consumer, CancellationToken.None));
        var writes = await storage.CatalogWritesAsync();
        Assert.Equal(feed.Select(item => (item.Sku, item.Sequence)).Order(), writes.Order());
        var found = await storage.Cache.FindAsync(feed.Select(item => item.Sku).Distinct().ToList(), CancellationToken.None);
        var expected = feed.GroupBy(item => item.Sku).ToDictionary(group => group.Key, group => group.Last());
        Assert.Equal(expected.OrderBy(pair => pair.Key), found.OrderBy(pair => pair.Key));
    }

    private static async Task<long> FollowAsync(Mesh.Orders.Storage.CatalogCacheStore cache, IReadOnlyList<CachedItem> feed, int seed)
    {
        var random = new Random(seed);
        var cursor = 0L;
        for (var next = 0; next < feed.Count;)
        {
            var size = Math.Min(random.Next(1, 12), feed.Count - next);
            var applied = await cache.ApplyAsync(Consumer, feed.Skip(next).Take(size).ToList());
            Assert.True(applied >= cursor, $"the cursor went back from {cursor} to {applied}");
            cursor = applied;
            next += size;
        }

        return cursor;
    }

    private static CachedItem Item(string sku, long priceMinor, long sequence) =>
        new(sku, sku.ToUpperInvariant(), "USD", priceMinor, Available: 10, Reserved: 0, sequence);
}

public sealed class SqliteCatalogCacheStoreTests : CatalogCacheStoreContractTests
{
    protected override async Task<OrdersStorageHarness> CreateHarnessAsync() => await SqliteOrdersStorageHarness.CreateAsync();
}

public sealed class PostgresCatalogCacheStoreTests : CatalogCacheStoreContractTests, IRequiresPostgres
{
    protected override async Task<OrdersStorageHarness> CreateHarnessAsync() => await PostgresOrdersStorageHarness.CreateAsync();
}
