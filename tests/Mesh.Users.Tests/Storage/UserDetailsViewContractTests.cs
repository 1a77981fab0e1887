using Mesh.Storage;
using Mesh.Testing.Postgres;
using Mesh.Users.Domain;
using Mesh.Users.Tests.Support;
using Xunit;

namespace Mesh.Users.Tests.Storage;

/// <summary>
/// GetUser's read (<see cref="Mesh.Users.Storage.UserDetailsView"/>) on both providers: from memory
/// on SQLite, yet every write of the user and every statistics batch shows in the next read.
/// </summary>
public abstract class UserDetailsViewContractTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeMilliseconds(1_750_000_000_000);

    protected abstract StorageProvider Provider { get; }

    [ContractFact]
    public async Task GetAsync_ReadBeforeAndAfterEveryWriteOfTheUser_SeesEachWrite()
    {
        await using var storage = await UsersTestStorage.CreateAsync(Provider);
        await using var store = await storage.OpenStoreAsync();
        var user = (await store.Users.CreateAsync(NewUsers.Draft(displayName: "Grace"), NewUsers.NewId(), NewUsers.Now(), CancellationToken.None)).User!;
        Assert.Equal("Grace", (await ReadAsync(store, user.UserId)).User.DisplayName);

        await store.Users.UpdateAsync(new UserChange(user.UserId, null, "Renamed"), NewUsers.Now(), CancellationToken.None);
        Assert.Equal("Renamed", (await ReadAsync(store, user.UserId)).User.DisplayName);

        await store.Users.DeactivateAsync(user.UserId, NewUsers.Now(), CancellationToken.None);
        Assert.Equal(UserStatus.Deactivated, (await ReadAsync(store, user.UserId)).User.Status);
    }

    [ContractFact]
    public async Task GetAsync_ReadBeforeAndAfterEveryStatisticsWrite_SeesEachWrite()
    {
        await using var storage = await UsersTestStorage.CreateAsync(Provider);
        await using var store = await storage.OpenStoreAsync();
        var user = (await store.Users.CreateAsync(NewUsers.Draft(), NewUsers.NewId(), NewUsers.Now(), CancellationToken.None)).User!;
        Assert.Equal(0, (await ReadAsync(store, user.UserId)).OrderStats.OrdersPlaced);

        await store.OrderStats.ApplyAsync([OrderStatsStoreContractTests.Confirmed(3, user.UserId, "USD", 100)], Now, CancellationToken.None);
        var counted = (await ReadAsync(store, user.UserId)).OrderStats;
        Assert.Equal((1L, 3L), (counted.OrdersPlaced, counted.ThroughSequence));

        await store.OrderStats.ApplyOnceAsync(
            "order-stats", [("m-4", OrderStatsStoreContractTests.Confirmed(4, user.UserId, "USD", 50))], Now, CancellationToken.None);
        var once = (await ReadAsync(store, user.UserId)).OrderStats;
        Assert.Equal((2L, 4L), (once.OrdersPlaced, once.ThroughSequence));
        Assert.Equal([new CurrencyAmount("USD", 150)], once.LifetimeSpend);
    }

    [ContractFact]
    public async Task GetAsync_BatchesOfOtherUsersOnly_ReportTheNewCursorWithTheSameCounts()
    {
        await using var storage = await UsersTestStorage.CreateAsync(Provider);
        await using var store = await storage.OpenStoreAsync();
        var user = (await store.Users.CreateAsync(NewUsers.Draft(), NewUsers.NewId(), NewUsers.Now(), CancellationToken.None)).User!;
        await store.OrderStats.ApplyAsync([OrderStatsStoreContractTests.Confirmed(1, user.UserId, "USD", 100)], Now, CancellationToken.None);
        await ReadAsync(store, user.UserId);

        await store.OrderStats.ApplyAsync([OrderStatsStoreContractTests.Confirmed(2, "someone-else", "USD", 7)], Now, CancellationToken.None);
        var afterOther = (await ReadAsync(store, user.UserId)).OrderStats;
        await store.OrderStats.SkipToAsync(9, Now, CancellationToken.None);
        var afterSkip = (await ReadAsync(store, user.UserId)).OrderStats;

        // A client waiting for "through ≥ N" must see the cursor move even when its own counts do not.
        Assert.Equal((1L, 2L), (afterOther.OrdersPlaced, afterOther.ThroughSequence));
        Assert.Equal((1L, 9L), (afterSkip.OrdersPlaced, afterSkip.ThroughSequence));
    }

    [ContractFact]
    public async Task GetAsync_UnknownUserThenCreated_NullThenTheUser()
    {
        await using var storage = await UsersTestStorage.CreateAsync(Provider);
        await using var store = await storage.OpenStoreAsync();
        var id = NewUsers.NewId();
        Assert.Null(await store.Details.GetAsync(id, store.Users, store.OrderStats, CancellationToken.None));

        await store.Users.CreateAsync(NewUsers.Draft(), id, NewUsers.Now(), CancellationToken.None);

        Assert.NotNull(await store.Details.GetAsync(id, store.Users, store.OrderStats, CancellationToken.None));
    }

    private static async Task<Mesh.Users.Storage.UserDetails> ReadAsync(UsersStore store, string userId) =>
        await store.Details.GetAsync(userId, store.Users, store.OrderStats, CancellationToken.None)
            ?? throw new InvalidOperationException($"no user {userId}");
}

public sealed class SqliteUserDetailsViewContractTests : UserDetailsViewContractTests
{
    protected override StorageProvider Provider => StorageProvider.Sqlite;
}

public sealed class PostgresUserDetailsViewContractTests : UserDetailsViewContractTests, IRequiresPostgres
{
    protected override StorageProvider Provider => StorageProvider.Postgres;
}
