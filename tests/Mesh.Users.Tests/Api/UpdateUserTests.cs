using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Mesh.Testing;
using Mesh.Testing.Postgres;
using Mesh.Users.Tests.Support;
using Mesh.Users.V1;
using Xunit;

namespace Mesh.Users.Tests.Api;

public abstract class UpdateUserTests(UsersHost host)
{
    private UserService.UserServiceClient Client => host.Client;

    [ContractFact]
    public async Task UpdateUser_DisplayNameOnly_ChangesNameKeepsEmailAndMovesUpdateTime()
    {
        var user = await host.CreateUserAsync(displayName: "Ada");
        host.Time.Advance(TimeSpan.FromMinutes(3));

        var response = await Client.UpdateUserAsync(new UpdateUserRequest { UserId = user.UserId, DisplayName = "  Countess of Lovelace " });

        var expected = new User(user)
        {
            DisplayName = "Countess of Lovelace",
            UpdateTime = Timestamp.FromDateTimeOffset(host.Time.GetUtcNow()),
        };
        Assert.Equal(expected, response.User);
        Assert.Equal(expected, (await Client.GetUserAsync(new GetUserRequest { UserId = user.UserId })).User);
    }

    [ContractFact]
    public async Task UpdateUser_EmailOnly_ChangesEmailAndReleasesTheOldOne()
    {
        var oldEmail = TestData.UniqueEmail("old");
        var user = await host.CreateUserAsync(oldEmail);
        var newEmail = TestData.UniqueEmail("new");

        var response = await Client.UpdateUserAsync(new UpdateUserRequest { UserId = user.UserId, Email = newEmail });

        Assert.Equal(newEmail, response.User.Email);
        Assert.Equal(user.DisplayName, response.User.DisplayName);
        var reuser = await host.CreateUserAsync(oldEmail.ToUpperInvariant());
        Assert.NotEqual(user.UserId, reuser.UserId);
    }

    [ContractFact]
    public async Task UpdateUser_SameValues_SucceedsWithoutWriting()
    {
        var user = await host.CreateUserAsync(displayName: "Ada");
        var before = await host.SnapshotAsync();
        host.Time.Advance(TimeSpan.FromMinutes(3));

        var response = await Client.UpdateUserAsync(new UpdateUserRequest { UserId = user.UserId, Email = " " + user.Email, DisplayName = "Ada " });

        Assert.Equal(user, response.User);
        Assert.Equal(before, await host.SnapshotAsync());
    }

    [ContractFact]
    public async Task UpdateUser_OwnEmailInOtherCase_ChangesEmail()
    {
        var user = await host.CreateUserAsync(TestData.UniqueEmail("case"));

        var response = await Client.UpdateUserAsync(new UpdateUserRequest { UserId = user.UserId, Email = user.Email.ToUpperInvariant() });

        Assert.Equal(user.Email.ToUpperInvariant(), response.User.Email);
    }

    [ContractFact]
    public async Task UpdateUser_EmailOfAnotherUserInOtherCase_FailsAlreadyExists()
    {
        var other = await host.CreateUserAsync(TestData.UniqueEmail("other"));
        var user = await host.CreateUserAsync();

        var exception = await host.RejectsAsync(StatusCode.AlreadyExists, () =>
            Client.UpdateUserAsync(new UpdateUserRequest { UserId = user.UserId, Email = other.Email.ToUpperInvariant(), DisplayName = "X" }).ResponseAsync);

        Assert.Equal("ALREADY_EXISTS", RpcAssert.Reason(exception));
    }

    [ContractFact]
    public async Task UpdateUser_NoFieldSet_FailsNamingEmailAndDisplayName()
    {
        var user = await host.CreateUserAsync();

        var badRequest = await host.RejectsFieldAsync("email", () =>
            Client.UpdateUserAsync(new UpdateUserRequest { UserId = user.UserId }).ResponseAsync);

        Assert.Contains(badRequest.FieldViolations, v => v.Field == "display_name");
    }

    [ContractFact]
    public async Task UpdateUser_UnknownId_FailsNotFound()
    {
        var exception = await host.RejectsAsync(StatusCode.NotFound, () =>
            Client.UpdateUserAsync(new UpdateUserRequest { UserId = Guid.CreateVersion7().ToString(), DisplayName = "Nobody" }).ResponseAsync);

        Assert.Equal("NOT_FOUND", RpcAssert.Reason(exception));
    }

    [ContractTheory]
    [InlineData("")]
    [InlineData("123")]
    [InlineData("0b6f1c1e-8d3a-4c38-9b1f")]
    public async Task UpdateUser_MalformedId_FailsNamingUserId(string userId)
    {
        await host.RejectsFieldAsync("user_id", () =>
            Client.UpdateUserAsync(new UpdateUserRequest { UserId = userId, DisplayName = "Ada" }).ResponseAsync);
    }

    [ContractTheory]
    [InlineData("")]
    [InlineData("no-at-sign")]
    [InlineData("a@b@example.com")]
    [InlineData("ada lovelace@example.com")]
    [InlineData("ada\u2028@example.com")]
    public async Task UpdateUser_MalformedEmail_FailsNamingEmail(string email)
    {
        var user = await host.CreateUserAsync();

        await host.RejectsFieldAsync("email", () =>
            Client.UpdateUserAsync(new UpdateUserRequest { UserId = user.UserId, Email = email, DisplayName = "Still Valid" }).ResponseAsync);
    }

    [ContractTheory]
    [InlineData("")]
    [InlineData(" \t")]
    [InlineData("hidden\u2066text")]
    public async Task UpdateUser_BadDisplayName_FailsNamingDisplayName(string displayName)
    {
        var user = await host.CreateUserAsync();

        await host.RejectsFieldAsync("display_name", () =>
            Client.UpdateUserAsync(new UpdateUserRequest { UserId = user.UserId, DisplayName = displayName }).ResponseAsync);
    }

    [ContractFact]
    public async Task UpdateUser_DeactivatedUser_ChangesFieldsAndStaysDeactivated()
    {
        var user = await host.CreateUserAsync();
        await Client.DeactivateUserAsync(new DeactivateUserRequest { UserId = user.UserId });

        var response = await Client.UpdateUserAsync(new UpdateUserRequest { UserId = user.UserId, DisplayName = "Retired" });

        Assert.Equal("Retired", response.User.DisplayName);
        Assert.Equal(UserState.Deactivated, response.User.State);
    }
}

public sealed class SqliteUpdateUserTests(UsersHost host) : UpdateUserTests(host), IClassFixture<UsersHost>;

public sealed class PostgresUpdateUserTests(PostgresUsersHost fixture) : UpdateUserTests(fixture.Host), IClassFixture<PostgresUsersHost>, IRequiresPostgres;
