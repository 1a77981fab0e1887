using Mesh.Testing.Postgres;
using Mesh.Users.Tests.Support;
using Mesh.Users.V1;
using Xunit;

namespace Mesh.Users.Tests.Api;

public abstract class BatchGetUsersTests(UsersHost host)
{
    private UserService.UserServiceClient Client => host.Client;

    [ContractFact]
    public async Task BatchGetUsers_FoundAndMissingIds_ReturnsFoundInRequestOrderAndListsMissing()
    {
        var first = await host.CreateUserAsync();
        var second = await host.CreateUserAsync();
        var missing = Guid.CreateVersion7().ToString();
        var request = new BatchGetUsersRequest { UserIds = { second.UserId, missing, first.UserId } };

        var response = await Client.BatchGetUsersAsync(request);

        Assert.Equal([second, first], response.Users);
        Assert.Equal([missing], response.MissingUserIds);
    }

    [ContractFact]
    public async Task BatchGetUsers_UpperCaseIds_FindsUsersAndEchoesMissingIdsAsSent()
    {
        var user = await host.CreateUserAsync();
        var missing = Guid.CreateVersion7().ToString().ToUpperInvariant();

        var response = await Client.BatchGetUsersAsync(new BatchGetUsersRequest { UserIds = { user.UserId.ToUpperInvariant(), missing } });

        Assert.Equal([user], response.Users);
        Assert.Equal([missing], response.MissingUserIds);
    }

    [ContractFact]
    public async Task BatchGetUsers_HundredIds_ReturnsAll()
    {
        var created = new List<User>();
        for (var i = 0; i < 3; i++)
        {
            created.Add(await host.CreateUserAsync());
        }

        var missing = Enumerable.Range(0, 97).Select(_ => Guid.CreateVersion7().ToString()).ToList();
        var request = new BatchGetUsersRequest { UserIds = { missing.Take(50), created.Select(u => u.UserId), missing.Skip(50) } };

        var response = await Client.BatchGetUsersAsync(request);

        Assert.Equal(created, response.Users);
        Assert.Equal(missing, response.MissingUserIds);
    }

    [ContractFact]
    public async Task BatchGetUsers_NoIds_FailsNamingUserIds()
    {
        await host.RejectsFieldAsync("user_ids", () => Client.BatchGetUsersAsync(new BatchGetUsersRequest()).ResponseAsync);
    }

    [ContractFact]
    public async Task BatchGetUsers_HundredAndOneIds_FailsNamingUserIds()
    {
        var request = new BatchGetUsersRequest { UserIds = { Enumerable.Range(0, 101).Select(_ => Guid.NewGuid().ToString()) } };

        await host.RejectsFieldAsync("user_ids", () => Client.BatchGetUsersAsync(request).ResponseAsync);
    }

    [ContractFact]
    public async Task BatchGetUsers_DuplicateId_FailsNamingDuplicateIndex()
    {
        var id = Guid.NewGuid().ToString();
        var request = new BatchGetUsersRequest { UserIds = { Guid.NewGuid().ToString(), id, id } };

        await host.RejectsFieldAsync("user_ids[2]", () => Client.BatchGetUsersAsync(request).ResponseAsync);
    }

    [ContractFact]
    public async Task BatchGetUsers_DuplicateIdInOtherCase_FailsNamingDuplicateIndex()
    {
        var id = Guid.NewGuid().ToString();
        var request = new BatchGetUsersRequest { UserIds = { id, id.ToUpperInvariant() } };

        await host.RejectsFieldAsync("user_ids[1]", () => Client.BatchGetUsersAsync(request).ResponseAsync);
    }

    [ContractFact]
    public async Task BatchGetUsers_MalformedId_FailsNamingItsIndex()
    {
        var request = new BatchGetUsersRequest { UserIds = { Guid.NewGuid().ToString(), "not-a-uuid", "" } };

        var badRequest = await host.RejectsFieldAsync("user_ids[1]", () => Client.BatchGetUsersAsync(request).ResponseAsync);

        Assert.Equal(["user_ids[1]", "user_ids[2]"], badRequest.FieldViolations.Select(v => v.Field));
    }
}

public sealed class SqliteBatchGetUsersTests(UsersHost host) : BatchGetUsersTests(host), IClassFixture<UsersHost>;

public sealed class PostgresBatchGetUsersTests(PostgresUsersHost fixture) : BatchGetUsersTests(fixture.Host), IClassFixture<PostgresUsersHost>, IRequiresPostgres;
