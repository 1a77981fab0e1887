using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Mesh.Testing;
using Mesh.Testing.Postgres;
using Mesh.Users.Tests.Support;
using Mesh.Users.V1;
using Xunit;

namespace Mesh.Users.Tests.Api;

public abstract class CreateUserTests(UsersHost host)
{
    private UserService.UserServiceClient Client => host.Client;

    [ContractFact]
    public async Task CreateUser_ValidRequest_ReturnsActiveUserWithServerGeneratedId()
    {
        var email = TestData.UniqueEmail("ada");

        var user = await host.CreateUserAsync(email, "Ada Lovelace");

        Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", user.UserId);
        Assert.Equal(email, user.Email);
        Assert.Equal("Ada Lovelace", user.DisplayName);
        Assert.Equal(UserState.Active, user.State);
        var now = Timestamp.FromDateTimeOffset(host.Time.GetUtcNow());
        Assert.Equal(now, user.CreateTime);
        Assert.Equal(now, user.UpdateTime);
        var stored = await Client.GetUserAsync(new GetUserRequest { UserId = user.UserId });
        Assert.Equal(user, stored.User);
    }

    [ContractFact]
    public async Task CreateUser_PaddedAndDecomposedFields_StoresTrimmedNfcKeepingCase()
    {
        var suffix = Guid.NewGuid().ToString("N");

        var user = await host.CreateUserAsync($"  Ju\u0308rgen-{suffix}@Example.com\u3000", " Zoe\u0308  ");

        Assert.Equal($"J\u00FCrgen-{suffix}@Example.com", user.Email);
        Assert.Equal("Zo\u00EB", user.DisplayName);
    }

    [ContractFact]
    public async Task CreateUser_DisplayNameOfHundredCombiningSequences_Succeeds()
    {
        var user = await host.CreateUserAsync(displayName: string.Concat(Enumerable.Repeat("e\u0301", 100)));

        Assert.Equal(new string('\u00E9', 100), user.DisplayName);
    }

    [ContractFact]
    public async Task CreateUser_Email254Characters_Succeeds()
    {
        var domain = "@example.com";
        var local = Guid.NewGuid().ToString("N");
        var email = local + new string('a', 254 - domain.Length - local.Length) + domain;

        var user = await host.CreateUserAsync(email);

        Assert.Equal(254, user.Email.Length);
    }

    [ContractFact]
    public async Task CreateUser_SameRequestIdAndFields_ReturnsFirstUserWithoutSecondInsert()
    {
        var request = NewRequest();
        var first = await Client.CreateUserAsync(request);
        var afterFirst = await host.SnapshotAsync();
        host.Time.Advance(TimeSpan.FromMinutes(5));

        var second = await Client.CreateUserAsync(request);

        Assert.Equal(first.User, second.User);
        Assert.Equal(afterFirst, await host.SnapshotAsync());
    }

    [ContractFact]
    public async Task CreateUser_RetryWithUpperCaseRequestIdAndUnnormalisedFields_ReturnsFirstUser()
    {
        var request = NewRequest();
        var first = await Client.CreateUserAsync(request);

        var retry = await Client.CreateUserAsync(new CreateUserRequest
        {
            RequestId = request.RequestId.ToUpperInvariant(),
            Email = "  " + request.Email + " ",
            DisplayName = request.DisplayName + "  ",
        });

        Assert.Equal(first.User, retry.User);
    }

    [ContractFact]
    public async Task CreateUser_SameRequestIdDifferentDisplayName_FailsRequestIdReused()
    {
        var request = NewRequest();
        await Client.CreateUserAsync(request);

        var exception = await host.RejectsAsync(StatusCode.AlreadyExists, () =>
            Client.CreateUserAsync(new CreateUserRequest(request) { DisplayName = "Someone Else" }).ResponseAsync);

        Assert.Equal("REQUEST_ID_REUSED", RpcAssert.Reason(exception));
    }

    [ContractFact]
    public async Task CreateUser_SameRequestIdEmailInOtherCase_FailsRequestIdReused()
    {
        var request = NewRequest();
        await Client.CreateUserAsync(request);

        var exception = await host.RejectsAsync(StatusCode.AlreadyExists, () =>
            Client.CreateUserAsync(new CreateUserRequest(request) { Email = request.Email.ToUpperInvariant() }).ResponseAsync);

        Assert.Equal("REQUEST_ID_REUSED", RpcAssert.Reason(exception));
    }

    [ContractFact]
    public async Task CreateUser_RetryAfterUserWasUpdated_ReturnsCurrentUser()
    {
        var request = NewRequest();
        var created = await Client.CreateUserAsync(request);
        host.Time.Advance(TimeSpan.FromMinutes(1));
        var updated = await Client.UpdateUserAsync(new UpdateUserRequest { UserId = created.User.UserId, Email = TestData.UniqueEmail("moved") });

        var retry = await Client.CreateUserAsync(request);

        Assert.Equal(updated.User, retry.User);
    }

    [ContractFact]
    public async Task CreateUser_EmailTakenInOtherCase_FailsAlreadyExists()
    {
        var email = TestData.UniqueEmail("taken");
        await host.CreateUserAsync(email);

        var exception = await host.RejectsAsync(StatusCode.AlreadyExists, () =>
            Client.CreateUserAsync(NewRequest(email.ToUpperInvariant())).ResponseAsync);

        Assert.Equal("ALREADY_EXISTS", RpcAssert.Reason(exception));
        Assert.Contains("email", exception.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(1, await host.CountByEmailKeyAsync(email.ToLowerInvariant()));
    }

    [ContractFact]
    public async Task CreateUser_EmailTakenInDecomposedUpperCaseForm_FailsAlreadyExists()
    {
        var suffix = Guid.NewGuid().ToString("N");
        await host.CreateUserAsync($"\u00E4da-{suffix}@example.com");

        var exception = await host.RejectsAsync(StatusCode.AlreadyExists, () =>
            Client.CreateUserAsync(NewRequest($"A\u0308DA-{suffix}@EXAMPLE.COM")).ResponseAsync);

        Assert.Equal("ALREADY_EXISTS", RpcAssert.Reason(exception));
    }

    [ContractTheory]
    [InlineData("")]
    [InlineData("ab")]
    [InlineData("no-at-sign.example.com")]
    [InlineData("@example.com")]
    [InlineData("ada@")]
    [InlineData("a@b@example.com")]
    [InlineData("ada lovelace@example.com")]
    [InlineData("ada\u00A0lovelace@example.com")]
    [InlineData("ada\tlovelace@example.com")]
    [InlineData("ada\u200B@example.com")]
    [InlineData("ada\u202E@example.com")]
    [InlineData("ada\uE000@example.com")]
    public async Task CreateUser_MalformedEmail_FailsNamingEmail(string email)
    {
        await host.RejectsFieldAsync("email", () => Client.CreateUserAsync(NewRequest(email)).ResponseAsync);
    }

    [ContractFact]
    public async Task CreateUser_HugeEmail_FailsNamingEmail()
    {
        var email = new string('a', 100_000) + "@example.com";

        await host.RejectsFieldAsync("email", () => Client.CreateUserAsync(NewRequest(email)).ResponseAsync);
    }

    [ContractTheory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("bell\u0007")]
    [InlineData("zero\u200Bwidth")]
    [InlineData("\u202Eevil")]
    [InlineData("two\nlines")]
    public async Task CreateUser_BadDisplayName_FailsNamingDisplayName(string displayName)
    {
        var request = NewRequest();
        request.DisplayName = displayName;

        await host.RejectsFieldAsync("display_name", () => Client.CreateUserAsync(request).ResponseAsync);
    }

    [ContractFact]
    public async Task CreateUser_DisplayName101Characters_FailsNamingDisplayName()
    {
        var request = NewRequest();
        request.DisplayName = new string('x', 101);

        await host.RejectsFieldAsync("display_name", () => Client.CreateUserAsync(request).ResponseAsync);
    }

    [ContractTheory]
    [InlineData("")]
    [InlineData("not-a-uuid")]
    [InlineData("0b6f1c1e8d3a4c389b1f2f6a3c1d9e42")]
    [InlineData("{0b6f1c1e-8d3a-4c38-9b1f-2f6a3c1d9e42}")]
    [InlineData(" 0b6f1c1e-8d3a-4c38-9b1f-2f6a3c1d9e42")]
    public async Task CreateUser_MalformedRequestId_FailsNamingRequestId(string requestId)
    {
        var request = NewRequest();
        request.RequestId = requestId;

        await host.RejectsFieldAsync("request_id", () => Client.CreateUserAsync(request).ResponseAsync);
    }

    [ContractFact]
    public async Task CreateUser_EveryFieldInvalid_NamesEveryField()
    {
        var badRequest = await host.RejectsFieldAsync("request_id", () =>
            Client.CreateUserAsync(new CreateUserRequest { RequestId = "x", Email = "x", DisplayName = "" }).ResponseAsync);

        Assert.Equal(["request_id", "email", "display_name"], badRequest.FieldViolations.Select(v => v.Field));
    }

    [ContractFact]
    public async Task CreateUser_TwentyParallelCallsWithOneRequestId_CreatesExactlyOneUser()
    {
        var request = NewRequest();

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Client.CreateUserAsync(request).ResponseAsync));

        Assert.Single(responses.Select(r => r.User.UserId).Distinct());
        Assert.Equal(1, await host.CountByEmailKeyAsync(request.Email.ToLowerInvariant()));
    }

    [ContractFact]
    public async Task CreateUser_TwentyParallelCallsWithEmailInDifferentCases_ExactlyOneSucceeds()
    {
        var email = TestData.UniqueEmail("race");
        var variants = Enumerable.Range(0, 20)
            .Select(i => string.Concat(email.Select((c, j) => ((i >> (j % 5)) & 1) == 1 ? char.ToUpperInvariant(c) : c)))
            .ToList();

        var outcomes = await Task.WhenAll(variants.Select(async variant =>
        {
            try
            {
                await Client.CreateUserAsync(NewRequest(variant));
                return StatusCode.OK;
            }
            catch (RpcException exception)
            {
                return exception.StatusCode;
            }
        }));

        Assert.Equal(1, outcomes.Count(code => code == StatusCode.OK));
        Assert.Equal(19, outcomes.Count(code => code == StatusCode.AlreadyExists));
        Assert.Equal(1, await host.CountByEmailKeyAsync(email.ToLowerInvariant()));
    }

    private static CreateUserRequest NewRequest(string? email = null) => new()
    {
        RequestId = TestData.NewRequestId(),
        Email = email ?? TestData.UniqueEmail(),
        DisplayName = "Ada Lovelace",
    };
}

public sealed class SqliteCreateUserTests(UsersHost host) : CreateUserTests(host), IClassFixture<UsersHost>;

public sealed class PostgresCreateUserTests(PostgresUsersHost fixture) : CreateUserTests(fixture.Host), IClassFixture<PostgresUsersHost>, IRequiresPostgres;
