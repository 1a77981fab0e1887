using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Mesh.Testing;
using Mesh.Testing.Postgres;
using Mesh.Users.Tests.Support;
using Mesh.Users.V1;
using Xunit;

namespace Mesh.Users.Tests.Api;

public abstract class DeactivateUserTests(UsersHost host)
{
    private UserService.UserServiceClient Client => host.Client;

    [ContractFact]
    public async Task DeactivateUser_ActiveUser_ReturnsDeactivatedUserStillReadable()
    {
        var user = await host.CreateUserAsync();
        host.Time.Advance(TimeSpan.FromHours(1));

        var response = await Client.DeactivateUserAsync(new DeactivateUserRequest { UserId = user.UserId });

        var expected = new User(user) { State = UserState.Deactivated, UpdateTime = Timestamp.FromDateTimeOffset(host.Time.GetUtcNow()) };
        Assert.Equal(expected, response.User);
        Assert.Equal(expected, (await Client.GetUserAsync(new GetUserRequest { UserId = user.UserId })).User);
    }

    [ContractFact]
    public async Task DeactivateUser_AlreadyDeactivated_ReturnsUserUnchanged()
    {
        var user = await host.CreateUserAsync();
        var first = await Client.DeactivateUserAsync(new DeactivateUserRequest { UserId = user.UserId });
        var before = await host.SnapshotAsync();
        host.Time.Advance(TimeSpan.FromHours(1));

        var second = await Client.DeactivateUserAsync(new DeactivateUserRequest { UserId = user.UserId.ToUpperInvariant() });

        Assert.Equal(first.User, second.User);
        Assert.Equal(before, await host.SnapshotAsync());
    }

    [ContractFact]
    public async Task DeactivateUser_UnknownId_FailsNotFound()
    {
        var exception = await host.RejectsAsync(StatusCode.NotFound, () =>
            Client.DeactivateUserAsync(new DeactivateUserRequest { UserId = Guid.CreateVersion7().ToString() }).ResponseAsync);

        Assert.Equal("NOT_FOUND", RpcAssert.Reason(exception));
    }

    [ContractTheory]
    [InlineData("")]
    [InlineData("user-1")]
    [InlineData("00000000000000000000000000000000000000000000")]
    public async Task DeactivateUser_MalformedId_FailsNamingUserId(string userId)
    {
        await host.RejectsFieldAsync("user_id", () =>
            Client.DeactivateUserAsync(new DeactivateUserRequest { UserId = userId }).ResponseAsync);
    }
}

public sealed class SqliteDeactivateUserTests(UsersHost host) : DeactivateUserTests(host), IClassFixture<UsersHost>;

public sealed class PostgresDeactivateUserTests(PostgresUsersHost fixture) : DeactivateUserTests(fixture.Host), IClassFixture<PostgresUsersHost>, IRequiresPostgres;
