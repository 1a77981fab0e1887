using Mesh.Storage;
using Mesh.Testing.Postgres;
using Mesh.Users.Domain;
using Mesh.Users.Tests.Support;
using Xunit;

namespace Mesh.Users.Tests.Storage;

/// <summary>The order statistics repository contract on both providers: counting, the cursor, replays and skips.</summary>
public abstract class OrderStatsStoreContractTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeMilliseconds(1_750_000_000_000);

    protected abstract StorageProvider Provider { get; }

    [ContractFact]
    public async Task ApplyAsync_Changes_CountsPerUserAndCurrencyAndMovesTheCursor()
    {
        await using var storage = await UsersTestStorage.CreateAsync(Provider);
        await using var store = await storage.OpenStoreAsync();

        var cursor = await store.OrderStats.ApplyAsync(
        [
            Confirmed(1, "u1", "USD", 1_000),
            Confirmed(2, "u1", "EUR", 250),
            new OrderStatsChange(3, "u1", 0, 0, 0, null),
            new OrderStatsChange(5, "u1", 0, 1, 0, new CurrencyAmount("USD", -400)),
            new OrderStatsChange(6, "u1", 0, 0, 1, null),
            Confirmed(7, "u2", "USD", 9),
        ], Now, CancellationToken.None);

        Assert.Equal(7, cursor);
        var stats = await store.OrderStats.GetAsync("u1", CancellationToken.None);
        Assert.Equal((2L, 1L, 1L, 7L), (stats.OrdersPlaced, stats.OrdersCancelled, stats.OrdersRejected, stats.ThroughSequence));
        Assert.Equal([new CurrencyAmount("EUR", 250), new CurrencyAmount("USD", 600)], stats.LifetimeSpend);
        Assert.Equal(1, (await store.OrderStats.GetAsync("u2", CancellationToken.None)).OrdersPlaced);
    }

    [ContractFact]
    public async Task ApplyAsync_BatchOverlappingAppliedOnes_CountsOnlyTheNewEvents()
    {
        await using var storage = await UsersTestStorage.CreateAsync(Provider);
        await using var store = await storage.OpenStoreAsync();
        await store.OrderStats.ApplyAsync([Confirmed(1, "u1", "USD", 10), Confirmed(2, "u1", "USD", 20)], Now, CancellationToken.None);

        var cursor = await store.OrderStats.ApplyAsync(
            [Confirmed(1, "u1", "USD", 10), Confirmed(2, "u1", "USD", 20), Confirmed(3, "u1", "USD", 30)], Now, CancellationToken.None);
        var replay = await store.OrderStats.ApplyAsync([Confirmed(2, "u1", "USD", 20)], Now, CancellationToken.None);

        Assert.Equal(3, cursor);
        Assert.Equal(3, replay);
        var stats = await store.OrderStats.GetAsync("u1", CancellationToken.None);
        Assert.Equal(3, stats.OrdersPlaced);
        Assert.Equal([new CurrencyAmount("USD", 60)], stats.LifetimeSpend);
    }

    [ContractFact]
    public async Task SkipToAsync_ForwardThenBackward_MovesOnlyForwardAndCountsNothing()
    {
        await using var storage = await UsersTestStorage.CreateAsync(Provider);
        await using var store = await storage.OpenStoreAsync();
        await store.OrderStats.ApplyAsync([Confirmed(1, "u1", "USD", 10)], Now, CancellationToken.None);

        Assert.Equal(40, await store.OrderStats.SkipToAsync(40, Now, CancellationToken.None));
        Assert.Equal(40, await store.OrderStats.SkipToAsync(5, Now, CancellationToken.None));
        await store.OrderStats.ApplyAsync([Confirmed(30, "u1", "USD", 99), Confirmed(41, "u1", "USD", 1)], Now, CancellationToken.None);

        var stats = await store.OrderStats.GetAsync("u1", CancellationToken.None);
        Assert.Equal((2L, 41L), (stats.OrdersPlaced, stats.ThroughSequence));
        Assert.Equal([new CurrencyAmount("USD", 11)], stats.LifetimeSpend);
    }

    [ContractFact]
    public async Task GetAsync_UnknownUser_ReturnsZeroesThroughTheCursor()
    {
        await using var storage = await UsersTestStorage.CreateAsync(Provider);
        await using var store = await storage.OpenStoreAsync();
        Assert.Equal(0, (await store.OrderStats.GetAsync("nobody", CancellationToken.None)).ThroughSequence);
        await store.OrderStats.ApplyAsync([Confirmed(4, "u1", "USD", 10)], Now, CancellationToken.None);

        var stats = await store.OrderStats.GetAsync("nobody", CancellationToken.None);

        Assert.Equal((0L, 0L, 0L, 4L), (stats.OrdersPlaced, stats.OrdersCancelled, stats.OrdersRejected, stats.ThroughSequence));
        Assert.Empty(stats.LifetimeSpend);
    }

    internal static OrderStatsChange Confirmed(long sequence, string userId, string currency, long amount) =>
        new(sequence, userId, 1, 0, 0, new CurrencyAmount(currency, amount));
}

public sealed class SqliteOrderStatsStoreContractTests : OrderStatsStoreContractTests
{
    protected override StorageProvider Provider => StorageProvider.Sqlite;
}

public sealed class PostgresOrderStatsStoreContractTests : OrderStatsStoreContractTests, IRequiresPostgres
{
    protected override StorageProvider Provider => StorageProvider.Postgres;
}
