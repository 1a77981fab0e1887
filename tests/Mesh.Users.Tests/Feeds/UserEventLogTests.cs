using System.Diagnostics;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Mesh.Storage;
using Mesh.Testing;
using Mesh.Testing.Postgres;
using Mesh.Users.Tests.Support;
using Mesh.Users.V1;
using Xunit;

namespace Mesh.Users.Tests.Feeds;

/// <summary>
/// Every profile change appends exactly one event with the user as stored after it, and a call
/// that changes nothing (a replay, a no-op, a refusal) appends none. Read back through WatchUsers.
/// </summary>
public abstract class UserEventLogTests(UsersHost host)
{
    private UserService.UserServiceClient Client => host.Client;

    [ContractFact]
    public async Task CreateUser_NewUser_AppendsOneUserCreatedEventWithTheStoredUser()
    {
        var head = await HeadAsync();

        var user = await host.CreateUserAsync(displayName: "Ada Lovelace");

        var created = Assert.Single(await EventsAfterAsync(head));
        Assert.Equal(head + 1, created.Sequence);
        Assert.Equal(UserEventType.UserCreated, created.Type);
        Assert.Equal(user, created.User);
        Assert.Equal(Timestamp.FromDateTimeOffset(host.Time.GetUtcNow()), created.OccurTime);
    }

    [ContractFact]
    public async Task CreateUser_TheEventCarriesTheTraceOfTheCallThatMadeIt()
    {
        var head = await HeadAsync();
        ActivityTraceId trace;
        ActivitySpanId callerSpan;
        using (var caller = new Activity("caller").SetIdFormat(ActivityIdFormat.W3C).Start())
        {
            // The client sends the ambient trace context with the call, as the mesh's clients do.
            caller.ActivityTraceFlags = ActivityTraceFlags.Recorded;
            (trace, callerSpan) = (caller.TraceId, caller.SpanId);
            await host.CreateUserAsync(displayName: "Traced");
        }

        var created = Assert.Single(await EventsAfterAsync(head));
        // The service's own span of the call, in the caller's trace.
        Assert.Matches($"^00-{trace}-[0-9a-f]{{16}}-01$", created.TraceParent);
        Assert.DoesNotContain(callerSpan.ToString(), created.TraceParent, StringComparison.Ordinal);
    }

    [ContractFact]
    public async Task CreateUser_ReplayedRequest_AppendsNoEvent()
    {
        var request = new CreateUserRequest { RequestId = TestData.NewRequestId(), Email = TestData.UniqueEmail(), DisplayName = "Once" };
        await Client.CreateUserAsync(request);
        var head = await HeadAsync();

        await Client.CreateUserAsync(request);

        Assert.Empty(await EventsAfterAsync(head));
    }

    [ContractFact]
    public async Task CreateUser_Refused_AppendsNoEvent()
    {
        var request = new CreateUserRequest { RequestId = TestData.NewRequestId(), Email = TestData.UniqueEmail(), DisplayName = "First" };
        await Client.CreateUserAsync(request);
        var head = await HeadAsync();

        await RpcAssert.FailsAsync(StatusCode.AlreadyExists, () =>
            Client.CreateUserAsync(new CreateUserRequest(request) { DisplayName = "Other" }).ResponseAsync);
        await RpcAssert.FailsAsync(StatusCode.AlreadyExists, () =>
            Client.CreateUserAsync(new CreateUserRequest(request) { RequestId = TestData.NewRequestId() }).ResponseAsync);

        Assert.Empty(await EventsAfterAsync(head));
    }

    [ContractFact]
    public async Task UpdateUser_ChangedName_AppendsUserUpdatedWithTheUserAfterTheChange()
    {
        var user = await host.CreateUserAsync(displayName: "Grace");
        host.Time.Advance(TimeSpan.FromMinutes(5));
        var head = await HeadAsync();

        var updated = (await Client.UpdateUserAsync(new UpdateUserRequest { UserId = user.UserId, DisplayName = "Grace Hopper" })).User;

        var change = Assert.Single(await EventsAfterAsync(head));
        Assert.Equal(UserEventType.UserUpdated, change.Type);
        Assert.Equal(updated, change.User);
        Assert.Equal("Grace Hopper", change.User.DisplayName);
        Assert.Equal(updated.UpdateTime, change.OccurTime);
    }

    [ContractFact]
    public async Task UpdateUser_SameValues_AppendsNoEvent()
    {
        var user = await host.CreateUserAsync(displayName: "Same");
        var head = await HeadAsync();

        await Client.UpdateUserAsync(new UpdateUserRequest { UserId = user.UserId, DisplayName = "Same", Email = user.Email });

        Assert.Empty(await EventsAfterAsync(head));
    }

    [ContractFact]
    public async Task UpdateUser_EmailTakenOrUserUnknown_AppendsNoEvent()
    {
        var taken = await host.CreateUserAsync();
        var user = await host.CreateUserAsync();
        var head = await HeadAsync();

        await RpcAssert.FailsAsync(StatusCode.AlreadyExists, () =>
            Client.UpdateUserAsync(new UpdateUserRequest { UserId = user.UserId, Email = taken.Email }).ResponseAsync);
        await RpcAssert.FailsAsync(StatusCode.NotFound, () =>
            Client.UpdateUserAsync(new UpdateUserRequest { UserId = Guid.NewGuid().ToString(), DisplayName = "Nobody" }).ResponseAsync);

        Assert.Empty(await EventsAfterAsync(head));
    }

    [ContractFact]
    public async Task DeactivateUser_ActiveUser_AppendsUserDeactivatedOnceOnly()
    {
        var user = await host.CreateUserAsync();
        host.Time.Advance(TimeSpan.FromHours(1));
        var head = await HeadAsync();

        var deactivated = (await Client.DeactivateUserAsync(new DeactivateUserRequest { UserId = user.UserId })).User;
        await Client.DeactivateUserAsync(new DeactivateUserRequest { UserId = user.UserId });

        var change = Assert.Single(await EventsAfterAsync(head));
        Assert.Equal(UserEventType.UserDeactivated, change.Type);
        Assert.Equal(deactivated, change.User);
        Assert.Equal(UserState.Deactivated, change.User.State);
    }

    private async Task<long> HeadAsync() =>
        (await host.Service<IEventLog>().PositionAsync(CancellationToken.None)).Head;

    /// <summary>The events after <paramref name="sequence"/>, read through WatchUsers up to its catch-up heartbeat.</summary>
    private async Task<List<UserEvent>> EventsAfterAsync(long sequence)
    {
        using var reader = new UserFeedReader(Client, sequence);
        return await reader.ReadUntilHeartbeatAsync();
    }
}

public sealed class SqliteUserEventLogTests(UsersHost host) : UserEventLogTests(host), IClassFixture<UsersHost>;

public sealed class PostgresUserEventLogTests(PostgresUsersHost fixture) : UserEventLogTests(fixture.Host), IClassFixture<PostgresUsersHost>, IRequiresPostgres;
