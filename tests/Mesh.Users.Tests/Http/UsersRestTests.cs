using System.Net;
using Google.Rpc;
using Mesh.Testing;
using Mesh.Users.Api;
using Mesh.Users.V1;
using Xunit;
using static Mesh.Testing.RestAssert;

namespace Mesh.Users.Tests.Http;

/// <summary>Every REST binding of UserService on real Kestrel, called as a client calls it, with its failures.</summary>
public sealed class UsersRestTests : IAsyncLifetime
{
    private KestrelService<UserGrpcService> _service = null!;
    private HttpClient _http = null!;
    private UserService.UserServiceClient _grpc = null!;

    public Task InitializeAsync()
    {
        _service = KestrelService<UserGrpcService>.Start();
        _http = _service.CreateHttpClient();
        _grpc = new UserService.UserServiceClient(_service.CreateGrpcChannel());
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _service.DisposeAsync();
    }

    [Fact]
    public async Task PostUsers_CreatesTheUser_AndARetryWithTheSameRequestIdReturnsIt()
    {
        var body = Json($$"""{"requestId":"{{Guid.NewGuid()}}","email":"ada@example.com","displayName":"Ada Lovelace"}""");

        var created = await OkAsync<CreateUserResponse>(await _http.PostAsync("/v1/users", body));
        var retried = await OkAsync<CreateUserResponse>(await _http.PostAsync("/v1/users", Json(await body.ReadAsStringAsync())));

        Assert.Equal(UserState.Active, created.User.State);
        Assert.Equal(created.User, retried.User);
        Assert.Equal(created.User, (await _grpc.GetUserAsync(new GetUserRequest { UserId = created.User.UserId })).User);
    }

    [Fact]
    public async Task PostUsers_EmailTaken_Is409AndKeepsOneUser()
    {
        await CreateAsync("taken@example.com");

        var status = await FailsAsync(await _http.PostAsync("/v1/users", Json(
            $$"""{"requestId":"{{Guid.NewGuid()}}","email":"TAKEN@example.com","displayName":"Someone else"}""")),
            HttpStatusCode.Conflict, Code.AlreadyExists);

        Assert.Equal("ALREADY_EXISTS", Reason(status));
        var all = await _grpc.ListUsersAsync(new ListUsersRequest());
        Assert.Single(all.Users);
    }

    [Fact]
    public async Task PostUsers_InvalidEmail_Is400NamingTheFieldAndStoresNothing()
    {
        await InvalidFieldAsync(await _http.PostAsync("/v1/users", Json(
            $$"""{"requestId":"{{Guid.NewGuid()}}","email":"no-at-sign","displayName":"Ada"}""")), "email");

        Assert.Empty((await _grpc.ListUsersAsync(new ListUsersRequest())).Users);
    }

    [Fact]
    public async Task GetUser_ReturnsTheUserAndTheirOrderStatistics()
    {
        var user = await CreateAsync("get@example.com");

        var read = await OkAsync<GetUserResponse>(await _http.GetAsync($"/v1/users/{user.UserId}"));

        Assert.Equal(user, read.User);
        Assert.NotNull(read.OrderStats);
    }

    [Fact]
    public async Task GetUser_NotAUuid_Is400NamingUserId()
    {
        await InvalidFieldAsync(await _http.GetAsync("/v1/users/not-a-uuid"), "user_id");
    }

    [Fact]
    public async Task GetUser_Unknown_Is404()
    {
        await FailsAsync(await _http.GetAsync($"/v1/users/{Guid.NewGuid()}"), HttpStatusCode.NotFound, Code.NotFound);
    }

    [Fact]
    public async Task ListUsers_PagesInCreationOrder()
    {
        var created = new[] { await CreateAsync("a@example.com"), await CreateAsync("b@example.com"), await CreateAsync("c@example.com") };

        var first = await OkAsync<ListUsersResponse>(await _http.GetAsync("/v1/users?page.pageSize=2"));
        var second = await OkAsync<ListUsersResponse>(await _http.GetAsync($"/v1/users?page.pageSize=2&page.pageToken={Uri.EscapeDataString(first.NextPageToken)}"));

        Assert.Equal(created.Select(user => user.UserId), first.Users.Concat(second.Users).Select(user => user.UserId));
        Assert.Empty(second.NextPageToken);
    }

    [Fact]
    public async Task BatchGetUsers_ListsFoundAndMissingIds()
    {
        var user = await CreateAsync("batch@example.com");
        var missing = Guid.NewGuid().ToString();

        var batch = await OkAsync<BatchGetUsersResponse>(await _http.GetAsync($"/v1/users:batchGet?userIds={missing}&userIds={user.UserId}"));

        Assert.Equal([user.UserId], batch.Users.Select(found => found.UserId));
        Assert.Equal([missing], batch.MissingUserIds);
    }

    [Fact]
    public async Task PatchUser_DisplayName_ChangesOnlyThatField()
    {
        var user = await CreateAsync("patch@example.com");

        var updated = await OkAsync<UpdateUserResponse>(await _http.PatchAsync($"/v1/users/{user.UserId}", Json("""{"displayName":"Countess of Lovelace"}""")));

        Assert.Equal("Countess of Lovelace", updated.User.DisplayName);
        Assert.Equal(user.Email, updated.User.Email);
    }

    [Fact]
    public async Task PatchUser_MisspeltField_Is400AndChangesNothing()
    {
        var user = await CreateAsync("typo@example.com");

        await InvalidFieldAsync(await _http.PatchAsync($"/v1/users/{user.UserId}", Json("""{"display_nmae":"Oops"}""")), "display_nmae");

        Assert.Equal(user, (await _grpc.GetUserAsync(new GetUserRequest { UserId = user.UserId })).User);
    }

    [Fact]
    public async Task Deactivate_WithoutABody_DeactivatesTheUser()
    {
        var user = await CreateAsync("leaving@example.com");

        var response = await OkAsync<DeactivateUserResponse>(await _http.PostAsync($"/v1/users/{user.UserId}:deactivate", content: null));

        Assert.Equal(UserState.Deactivated, response.User.State);
    }

    [Fact]
    public async Task WatchUsers_StreamsChangesAsNewlineDelimitedJson()
    {
        var user = await CreateAsync("watched@example.com");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var response = await _http.GetAsync("/v1/users:watch?afterSequence=0", HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token));

        var created = Google.Protobuf.JsonParser.Default.Parse<WatchUsersResponse>(await reader.ReadLineAsync(timeout.Token));
        Assert.Equal(user.UserId, created.Event.User.UserId);
        Assert.Equal(WatchUsersResponse.KindOneofCase.Heartbeat,
            Google.Protobuf.JsonParser.Default.Parse<WatchUsersResponse>(await reader.ReadLineAsync(timeout.Token)).KindCase);
        await _grpc.DeactivateUserAsync(new DeactivateUserRequest { UserId = user.UserId });

        var deactivated = Google.Protobuf.JsonParser.Default.Parse<WatchUsersResponse>(await reader.ReadLineAsync(timeout.Token));
        Assert.Equal(UserEventType.UserDeactivated, deactivated.Event.Type);
    }

    [Fact]
    public async Task WatchUsers_NegativeCursor_Is400NamingIt()
    {
        await InvalidFieldAsync(await _http.GetAsync("/v1/users:watch?afterSequence=-1"), "after_sequence");
    }

    private async Task<User> CreateAsync(string email) =>
        (await _grpc.CreateUserAsync(new CreateUserRequest { RequestId = Guid.NewGuid().ToString(), Email = email, DisplayName = "Test " + email })).User;
}
