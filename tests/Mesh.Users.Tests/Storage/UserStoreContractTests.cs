using Mesh.Storage;
using Mesh.Testing.Postgres;
using Mesh.Users.Domain;
using Mesh.Users.Tests.Support;
using Mesh.Users.V1;
using Xunit;

namespace Mesh.Users.Tests.Storage;

/// <summary>
/// The user store contract, written once and run against both providers: the outcome of
/// every write, exactly one feed event per actual change, and the reads.
/// </summary>
public abstract class UserStoreContractTests
{
    protected abstract StorageProvider Provider { get; }

    [ContractFact]
    public async Task CreateAsync_NewUser_StoresActiveUserAndAppendsOneCreatedEvent()
    {
        await using var storage = await UsersTestStorage.CreateAsync(Provider);
        await using var store = await storage.OpenStoreAsync();
        var now = NewUsers.Now();
        var draft = NewUsers.Draft(displayName: "Grace");
        var id = NewUsers.NewId();

        var result = await store.Users.CreateAsync(draft, id, now, CancellationToken.None);

        Assert.Equal(UserWriteStatus.Created, result.Status);
        var expected = new UserRecord(id, draft.Email, "Grace", UserStatus.Active, now, now);
        Assert.Equal(expected, result.User);
        Assert.Equal(expected, await store.Users.GetAsync(id, CancellationToken.None));
        var created = Assert.Single(await StoreEvents.AfterAsync(store.Log, 0));
        Assert.Equal(UserEventType.UserCreated, created.Type);
        Assert.Equal(id, created.User.UserId);
    }

    [ContractFact]
    public async Task CreateAsync_SameRequestIdAndFields_ReplaysFirstUserWithoutEvent()
    {
        await using var storage = await UsersTestStorage.CreateAsync(Provider);
        await using var store = await storage.OpenStoreAsync();
        var draft = NewUsers.Draft();
        var first = await store.Users.CreateAsync(draft, NewUsers.NewId(), NewUsers.Now(), CancellationToken.None);
        var head = await StoreEvents.HeadAsync(store.Log);

        var again = await store.Users.CreateAsync(draft, NewUsers.NewId(), NewUsers.Now().AddMinutes(1), CancellationToken.None);

        Assert.Equal(UserWriteStatus.Replayed, again.Status);
        Assert.Equal(first.User, again.User);
        Assert.Empty(await StoreEvents.AfterAsync(store.Log, head));
    }

    [ContractFact]
    public async Task CreateAsync_SameRequestIdOtherFields_RequestIdReusedWithoutEvent()
    {
        await using var storage = await UsersTestStorage.CreateAsync(Provider);
        await using var store = await storage.OpenStoreAsync();
        var draft = NewUsers.Draft();
        await store.Users.CreateAsync(draft, NewUsers.NewId(), NewUsers.Now(), CancellationToken.None);
        var head = await StoreEvents.HeadAsync(store.Log);

        var reused = await store.Users.CreateAsync(draft with { DisplayName = "Other" }, NewUsers.NewId(), NewUsers.Now(), CancellationToken.None);

        Assert.Equal(UserWriteResult.Without(UserWriteStatus.RequestIdReused), reused);
        Assert.Empty(await StoreEvents.AfterAsync(store.Log, head));
    }

    [ContractFact]
    public async Task CreateAsync_EmailTakenInOtherCase_EmailTakenWithoutEvent()
    {
        await using var storage = await UsersTestStorage.CreateAsync(Provider);
        await using var store = await storage.OpenStoreAsync();
        var email = TestData.UniqueEmail("taken");
        await store.Users.CreateAsync(NewUsers.Draft(email), NewUsers.NewId(), NewUsers.Now(), CancellationToken.None);
        var head = await StoreEvents.HeadAsync(store.Log);

        var second = await store.Users.CreateAsync(NewUsers.Draft(email.ToUpperInvariant()), NewUsers.NewId(), NewUsers.Now(), CancellationToken.None);

        Assert.Equal(UserWriteResult.Without(UserWriteStatus.EmailTaken), second);
        Assert.Single((await store.Users.ListAsync(0, 10, CancellationToken.None)).Users);
        Assert.Empty(await StoreEvents.AfterAsync(store.Log, head));
    }

    [ContractFact]
    public async Task UpdateAsync_NameAndOwnEmailInOtherCase_UpdatedWithOneEvent()
    {
        await using var storage = await UsersTestStorage.CreateAsync(Provider);
        await using var store = await storage.OpenStoreAsync();
        var user = (await store.Users.CreateAsync(NewUsers.Draft(), NewUsers.NewId(), NewUsers.Now(), CancellationToken.None)).User!;
        var head = await StoreEvents.HeadAsync(store.Log);
        var later = user.UpdateTime.AddMinutes(5);

        var result = await store.Users.UpdateAsync(new UserChange(user.UserId, user.Email.ToUpperInvariant(), "Renamed"), later, CancellationToken.None);

        var expected = user with { Email = user.Email.ToUpperInvariant(), DisplayName = "Renamed", UpdateTime = later };
        Assert.Equal(UserWriteResult.Of(UserWriteStatus.Updated, expected), result);
        Assert.Equal(expected, await store.Users.GetAsync(user.UserId, CancellationToken.None));
        var updated = Assert.Single(await StoreEvents.AfterAsync(store.Log, head));
        Assert.Equal(UserEventType.UserUpdated, updated.Type);
        Assert.Equal("Renamed", updated.User.DisplayName);
    }

    [ContractFact]
    public async Task UpdateAsync_SameValuesUnknownUserOrTakenEmail_ChangesNothingAndAppendsNothing()
    {
        await using var storage = await UsersTestStorage.CreateAsync(Provider);
        await using var store = await storage.OpenStoreAsync();
        var taken = (await store.Users.CreateAsync(NewUsers.Draft(), NewUsers.NewId(), NewUsers.Now(), CancellationToken.None)).User!;
        var user = (await store.Users.CreateAsync(NewUsers.Draft(), NewUsers.NewId(), NewUsers.Now(), CancellationToken.None)).User!;
        var head = await StoreEvents.HeadAsync(store.Log);
        var later = NewUsers.Now().AddHours(1);

        var same = await store.Users.UpdateAsync(new UserChange(user.UserId, user.Email, user.DisplayName), later, CancellationToken.None);
        var unknown = await store.Users.UpdateAsync(new UserChange(NewUsers.NewId(), null, "Nobody"), later, CancellationToken.None);
        var clash = await store.Users.UpdateAsync(new UserChange(user.UserId, taken.Email.ToUpperInvariant(), null), later, CancellationToken.None);

        Assert.Equal(UserWriteResult.Of(UserWriteStatus.Unchanged, user), same);
        Assert.Equal(UserWriteResult.Without(UserWriteStatus.NotFound), unknown);
        Assert.Equal(UserWriteResult.Without(UserWriteStatus.EmailTaken), clash);
        Assert.Equal(user, await store.Users.GetAsync(user.UserId, CancellationToken.None));
        Assert.Empty(await StoreEvents.AfterAsync(store.Log, head));
    }

    [ContractFact]
    public async Task DeactivateAsync_Twice_DeactivatesOnceWithOneEvent()
    {
        await using var storage = await UsersTestStorage.CreateAsync(Provider);
        await using var store = await storage.OpenStoreAsync();
        var user = (await store.Users.CreateAsync(NewUsers.Draft(), NewUsers.NewId(), NewUsers.Now(), CancellationToken.None)).User!;
        var head = await StoreEvents.HeadAsync(store.Log);
        var later = user.UpdateTime.AddHours(1);

        var first = await store.Users.DeactivateAsync(user.UserId, later, CancellationToken.None);
        var second = await store.Users.DeactivateAsync(user.UserId, later.AddHours(1), CancellationToken.None);
        var unknown = await store.Users.DeactivateAsync(NewUsers.NewId(), later, CancellationToken.None);

        var deactivated = user with { Status = UserStatus.Deactivated, UpdateTime = later };
        Assert.Equal(UserWriteResult.Of(UserWriteStatus.Updated, deactivated), first);
        Assert.Equal(UserWriteResult.Of(UserWriteStatus.Unchanged, deactivated), second);
        Assert.Equal(UserWriteResult.Without(UserWriteStatus.NotFound), unknown);
        var change = Assert.Single(await StoreEvents.AfterAsync(store.Log, head));
        Assert.Equal(UserEventType.UserDeactivated, change.Type);
        Assert.Equal(UserState.Deactivated, change.User.State);
    }

    [ContractFact]
    public async Task GetManyAsync_KnownAndUnknownIds_ReturnsOnlyKnownKeyedById()
    {
        await using var storage = await UsersTestStorage.CreateAsync(Provider);
        await using var store = await storage.OpenStoreAsync();
        var a = (await store.Users.CreateAsync(NewUsers.Draft(), NewUsers.NewId(), NewUsers.Now(), CancellationToken.None)).User!;
        var b = (await store.Users.CreateAsync(NewUsers.Draft(), NewUsers.NewId(), NewUsers.Now(), CancellationToken.None)).User!;

        var found = await store.Users.GetManyAsync([b.UserId, NewUsers.NewId(), a.UserId], CancellationToken.None);

        Assert.Equal(2, found.Count);
        Assert.Equal(a, found[a.UserId]);
        Assert.Equal(b, found[b.UserId]);
        Assert.Empty(await store.Users.GetManyAsync([], CancellationToken.None));
        Assert.Null(await store.Users.GetAsync(NewUsers.NewId(), CancellationToken.None));
    }

    [ContractFact]
    public async Task ListAsync_Pages_ReturnsCreationOrderAndContinuesAfterTheLastSequence()
    {
        await using var storage = await UsersTestStorage.CreateAsync(Provider);
        await using var store = await storage.OpenStoreAsync();
        var created = new List<UserRecord>();
        for (var index = 0; index < 5; index++)
        {
            created.Add((await store.Users.CreateAsync(NewUsers.Draft(), NewUsers.NewId(), NewUsers.Now(), CancellationToken.None)).User!);
        }

        var first = await store.Users.ListAsync(0, 3, CancellationToken.None);
        var rest = await store.Users.ListAsync(first.NextAfterSequence!.Value, 3, CancellationToken.None);

        Assert.Equal(created[..3], first.Users);
        Assert.Equal(created[3..], rest.Users);
        Assert.Null(rest.NextAfterSequence);
        Assert.Empty((await store.Users.ListAsync(long.MaxValue - 1, 3, CancellationToken.None)).Users);
    }

    [ContractFact]
    public async Task CreateAsync_TwentyConcurrentCallsOneRequestId_OneCreatedNineteenReplayedOneEvent()
    {
        await using var storage = await UsersTestStorage.CreateAsync(Provider);
        await using var store = await storage.OpenStoreAsync();
        var draft = NewUsers.Draft();

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ =>
            Task.Run(() => store.Users.CreateAsync(draft, NewUsers.NewId(), NewUsers.Now(), CancellationToken.None))));

        Assert.Equal(1, results.Count(r => r.Status == UserWriteStatus.Created));
        Assert.Equal(19, results.Count(r => r.Status == UserWriteStatus.Replayed));
        Assert.Single(results.Select(r => r.User!.UserId).Distinct());
        Assert.Single(await StoreEvents.AfterAsync(store.Log, 0));
    }
}

public sealed class SqliteUserStoreContractTests : UserStoreContractTests
{
    protected override StorageProvider Provider => StorageProvider.Sqlite;
}

public sealed class PostgresUserStoreContractTests : UserStoreContractTests, IRequiresPostgres
{
    protected override StorageProvider Provider => StorageProvider.Postgres;
}
