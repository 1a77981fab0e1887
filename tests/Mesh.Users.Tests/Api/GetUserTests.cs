using Grpc.Core;
using Mesh.Testing;
using Mesh.Testing.Postgres;
using Mesh.Users.Tests.Support;
using Mesh.Users.V1;
using Xunit;

namespace Mesh.Users.Tests.Api;

public abstract class GetUserTests(UsersHost host)
{
    private UserService.UserServiceClient Client => host.Client;

    [ContractFact]
    public async Task GetUser_ExistingId_ReturnsUser()
    {
        var created = await host.CreateUserAsync(displayName: "Grace Hopper");

        var response = await Client.GetUserAsync(new GetUserRequest { UserId = created.UserId });

        Assert.Equal(created, response.User);
    }

    [ContractFact]
    public async Task GetUser_UpperCaseId_ReturnsSameUser()
    {
        var created = await host.CreateUserAsync();

        var response = await Client.GetUserAsync(new GetUserRequest { UserId = created.UserId.ToUpperInvariant() });

        Assert.Equal(created, response.User);
    }

    [ContractFact]
    public async Task GetUser_UnknownId_FailsNotFoundNamingUserId()
    {
        var unknown = Guid.CreateVersion7().ToString();

        var exception = await host.RejectsAsync(StatusCode.NotFound, () =>
            Client.GetUserAsync(new GetUserRequest { UserId = unknown }).ResponseAsync);

        Assert.Equal("NOT_FOUND", RpcAssert.Reason(exception));
        Assert.Contains(unknown, exception.Status.Detail, StringComparison.Ordinal);
    }

    [ContractTheory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("'; DROP TABLE users; --")]
    [InlineData("0b6f1c1e-8d3a-4c38-9b1f-2f6a3c1d9e42x")]
    [InlineData("0b6f1c1e-8d3a-4c38-9b1f-2f6a3c1d9e4\u0661")]
    public async Task GetUser_MalformedId_FailsNamingUserId(string userId)
    {
        await host.RejectsFieldAsync("user_id", () => Client.GetUserAsync(new GetUserRequest { UserId = userId }).ResponseAsync);
    }
}

public sealed class SqliteGetUserTests(UsersHost host) : GetUserTests(host), IClassFixture<UsersHost>;

public sealed class PostgresGetUserTests(PostgresUsersHost fixture) : GetUserTests(fixture.Host), IClassFixture<PostgresUsersHost>, IRequiresPostgres;
