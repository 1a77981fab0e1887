using Mesh.Storage;
using Mesh.Testing.Postgres;
using Mesh.Users.Api;
using Mesh.Users.Domain;
using Mesh.Users.Tests.Support;
using Mesh.Users.V1;
using Xunit;

namespace Mesh.Users.Tests.Storage;

/// <summary>
/// What only a shared database has to prove: two replicas (two repository sets on two
/// connection pools, one database) racing each other reach exactly the outcomes one SQLite
/// process reaches, with exactly one feed event per actual change.
/// </summary>
public sealed class PostgresReplicaTests
{
    private const int Racers = 20;

    [PostgresFact]
    public async Task CreateAsync_OneRequestIdRacingOnTwoReplicas_OneUserTheOthersReplayIt()
    {
        await using var storage = await UsersTestStorage.CreateAsync(StorageProvider.Postgres);
        await using var a = await storage.OpenStoreAsync();
        await using var b = await storage.OpenStoreAsync();
        var draft = NewUsers.Draft();

        var results = await RaceAsync(a, b, (store, _) => store.Users.CreateAsync(draft, NewUsers.NewId(), NewUsers.Now(), CancellationToken.None));

        Assert.Equal(1, results.Count(r => r.Status == UserWriteStatus.Created));
        Assert.Equal(Racers - 1, results.Count(r => r.Status == UserWriteStatus.Replayed));
        var created = results.Single(r => r.Status == UserWriteStatus.Created).User!;
        Assert.All(results, r => Assert.Equal(created, r.User));
        Assert.Equal([created], (await a.Users.ListAsync(0, 100, CancellationToken.None)).Users);
        Assert.Single(await StoreEvents.AfterAsync(a.Log, 0));
    }

    [PostgresFact]
    public async Task CreateAsync_OneEmailInManyCasesRacingOnTwoReplicas_OneCreatedTheOthersEmailTaken()
    {
        await using var storage = await UsersTestStorage.CreateAsync(StorageProvider.Postgres);
        await using var a = await storage.OpenStoreAsync();
        await using var b = await storage.OpenStoreAsync();
        var email = TestData.UniqueEmail("race");

        var results = await RaceAsync(a, b, (store, index) =>
            store.Users.CreateAsync(NewUsers.Draft(Cased(email, index)), NewUsers.NewId(), NewUsers.Now(), CancellationToken.None));

        Assert.Equal(1, results.Count(r => r.Status == UserWriteStatus.Created));
        Assert.Equal(Racers - 1, results.Count(r => r == UserWriteResult.Without(UserWriteStatus.EmailTaken)));
        Assert.Single((await b.Users.ListAsync(0, 100, CancellationToken.None)).Users);
        Assert.Single(await StoreEvents.AfterAsync(b.Log, 0));
    }

    [PostgresFact]
    public async Task UpdateAsync_ManyUsersTakingOneEmailOnTwoReplicas_OneGetsItTheOthersEmailTaken()
    {
        await using var storage = await UsersTestStorage.CreateAsync(StorageProvider.Postgres);
        await using var a = await storage.OpenStoreAsync();
        await using var b = await storage.OpenStoreAsync();
        var users = await CreateUsersAsync(a, Racers);
        var head = await StoreEvents.HeadAsync(a.Log);
        var email = TestData.UniqueEmail("wanted");

        var results = await RaceAsync(a, b, (store, index) =>
            store.Users.UpdateAsync(new UserChange(users[index].UserId, Cased(email, index), null), NewUsers.Now(), CancellationToken.None));

        var winner = Assert.Single(results, r => r.Status == UserWriteStatus.Updated);
        Assert.Equal(Racers - 1, results.Count(r => r == UserWriteResult.Without(UserWriteStatus.EmailTaken)));
        var stored = (await a.Users.ListAsync(0, 100, CancellationToken.None)).Users;
        Assert.Equal([winner.User!.UserId], stored.Where(u => EmailAddress.Key(u.Email) == email).Select(u => u.UserId));
        var change = Assert.Single(await StoreEvents.AfterAsync(b.Log, head));
        Assert.Equal(UserMapper.ToProto(winner.User), change.User);
    }

    [PostgresFact]
    public async Task CreateAndUpdate_RacingForOneEmailOnTwoReplicas_ExactlyOneSucceeds()
    {
        await using var storage = await UsersTestStorage.CreateAsync(StorageProvider.Postgres);
        await using var a = await storage.OpenStoreAsync();
        await using var b = await storage.OpenStoreAsync();
        var users = await CreateUsersAsync(b, Racers / 2);
        var head = await StoreEvents.HeadAsync(a.Log);
        var email = TestData.UniqueEmail("contested");

        var results = await RaceAsync(a, b, (store, index) => index % 2 == 0
            ? store.Users.CreateAsync(NewUsers.Draft(Cased(email, index)), NewUsers.NewId(), NewUsers.Now(), CancellationToken.None)
            : store.Users.UpdateAsync(new UserChange(users[index / 2].UserId, Cased(email, index), null), NewUsers.Now(), CancellationToken.None));

        Assert.Single(results, r => r.Status is UserWriteStatus.Created or UserWriteStatus.Updated);
        Assert.Equal(Racers - 1, results.Count(r => r == UserWriteResult.Without(UserWriteStatus.EmailTaken)));
        var stored = (await a.Users.ListAsync(0, 100, CancellationToken.None)).Users;
        Assert.Single(stored, u => EmailAddress.Key(u.Email) == email);
        Assert.Single(await StoreEvents.AfterAsync(a.Log, head));
    }

    [PostgresFact]
    public async Task UpdateAndDeactivate_OneChangeRacingOnTwoReplicas_AppliedOnceWithOneEventEach()
    {
        await using var storage = await UsersTestStorage.CreateAsync(StorageProvider.Postgres);
        await using var a = await storage.OpenStoreAsync();
        await using var b = await storage.OpenStoreAsync();
        var user = (await CreateUsersAsync(a, 1))[0];
        var head = await StoreEvents.HeadAsync(a.Log);
        var later = user.UpdateTime.AddMinutes(1);

        var renames = await RaceAsync(a, b, (store, _) =>
            store.Users.UpdateAsync(new UserChange(user.UserId, null, "Renamed"), later, CancellationToken.None));
        var deactivations = await RaceAsync(a, b, (store, index) =>
            store.Users.DeactivateAsync(user.UserId, later.AddMinutes(1 + index), CancellationToken.None));

        Assert.Single(renames, r => r.Status == UserWriteStatus.Updated);
        Assert.Equal(Racers - 1, renames.Count(r => r.Status == UserWriteStatus.Unchanged));
        var deactivated = Assert.Single(deactivations, r => r.Status == UserWriteStatus.Updated).User;
        Assert.All(deactivations, r => Assert.Equal(deactivated, r.User));
        Assert.Equal(
            [UserEventType.UserUpdated, UserEventType.UserDeactivated],
            (await StoreEvents.AfterAsync(b.Log, head)).Select(e => e.Type));
    }

    [PostgresFact]
    public async Task ListAsync_PagingWhileBothReplicasCreate_EveryPassIsAPrefixOfTheFinalOrder()
    {
        await using var storage = await UsersTestStorage.CreateAsync(StorageProvider.Postgres);
        await using var a = await storage.OpenStoreAsync();
        await using var b = await storage.OpenStoreAsync();

        // A page token must never pass a user that commits later: every pass taken while
        // creates race must list a prefix of the final creation order, without holes.
        var creating = Task.WhenAll(Enumerable.Range(0, 120).Select(index => Task.Run(() =>
            (index % 2 == 0 ? a : b).Users.CreateAsync(NewUsers.Draft(), NewUsers.NewId(), NewUsers.Now(), CancellationToken.None))));
        var passes = new List<List<string>>();
        while (!creating.IsCompleted)
        {
            passes.Add(await ListAllAsync(a));
        }

        await creating;
        var final = await ListAllAsync(b);
        Assert.Equal(120, final.Count);
        Assert.True(passes.Count > 0, "no listing ran while the creates were in flight");
        Assert.All(passes, pass => Assert.Equal(final.Take(pass.Count), pass));
    }

    [PostgresFact]
    public async Task ApplyAsync_TwoReplicasApplyingOverlappingBatches_CountsEveryOrderEventOnce()
    {
        await using var storage = await UsersTestStorage.CreateAsync(StorageProvider.Postgres);
        await using var a = await storage.OpenStoreAsync();
        await using var b = await storage.OpenStoreAsync();
        var log = new FakeOrderLog();
        string[] users = ["u-1", "u-2", "u-3"];
        OrderHistory.AppendRandom(log, users, orders: 250, new Random(5));
        var changes = log.All.Select(OrderStatsRules.ChangeOf).ToList();

        // Each replica follows the log in order, in its own batch sizes, redelivering some events
        // as after a reconnect; both run at the same time against the one shared cursor.
        var cursors = await Task.WhenAll(
            Task.Run(() => FollowAsync(a, changes, batch: 25, redeliver: 0)),
            Task.Run(() => FollowAsync(b, changes, batch: 40, redeliver: 15)));

        Assert.All(cursors, cursor => Assert.Equal(changes[^1].Sequence, cursor));
        foreach (var user in users)
        {
            var stats = await a.OrderStats.GetAsync(user, CancellationToken.None);
            Assert.Equal(OrderHistory.Expected(log.All, user), OrderHistory.Describe(UserMapper.ToProto(stats)));
            Assert.Equal(changes[^1].Sequence, stats.ThroughSequence);
        }
    }

    /// <summary>Starts <see cref="Racers"/> calls at once, alternating between the replicas.</summary>
    private static async Task<UserWriteResult[]> RaceAsync(UsersStore a, UsersStore b, Func<UsersStore, int, Task<UserWriteResult>> call)
    {
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var racers = Enumerable.Range(0, Racers).Select(index => Task.Run(async () =>
        {
            await start.Task;
            return await call(index % 2 == 0 ? a : b, index);
        })).ToList();
        start.SetResult();
        return await Task.WhenAll(racers);
    }

    private static async Task<List<UserRecord>> CreateUsersAsync(UsersStore store, int count)
    {
        var users = new List<UserRecord>();
        for (var index = 0; index < count; index++)
        {
            users.Add((await store.Users.CreateAsync(NewUsers.Draft(), NewUsers.NewId(), NewUsers.Now(), CancellationToken.None)).User!);
        }

        return users;
    }

    private static async Task<List<string>> ListAllAsync(UsersStore store)
    {
        var ids = new List<string>();
        long? after = 0;
        while (after is { } cursor)
        {
            var page = await store.Users.ListAsync(cursor, 7, CancellationToken.None);
            ids.AddRange(page.Users.Select(u => u.UserId));
            after = page.NextAfterSequence;
        }

        return ids;
    }

    private static async Task<long> FollowAsync(UsersStore store, List<OrderStatsChange> changes, int batch, int redeliver)
    {
        long cursor = 0;
        for (var from = 0; from < changes.Count; from += batch)
        {
            var first = Math.Max(0, from - redeliver);
            var slice = changes.GetRange(first, Math.Min(changes.Count, from + batch) - first);
            cursor = await store.OrderStats.ApplyAsync(slice, NewUsers.Now(), CancellationToken.None);
        }

        return cursor;
    }

    /// <summary>The email with letters upper-cased by the bits of <paramref name="index"/>: one address, many spellings.</summary>
    private static string Cased(string email, int index) =>
        string.Concat(email.Select((c, j) => ((index >> (j % 5)) & 1) == 1 ? char.ToUpperInvariant(c) : c));
}
