using Grpc.Core;
using Mesh.ServiceDefaults.Errors;
using Mesh.ServiceDefaults.Feeds;
using Mesh.ServiceDefaults.Security;
using Mesh.ServiceDefaults.Validation;
using Mesh.Users.Domain;
using Mesh.Users.Feeds;
using Mesh.Users.Storage;
using Mesh.Users.V1;

namespace Mesh.Users.Api;

/// <summary>
/// mesh.users.v1.UserService. Requests arrive already validated (the validation interceptor
/// runs the Api/*Validator classes), so handlers only normalise, store and map.
/// </summary>
public sealed class UserGrpcService(
    UserStore users,
    OrderStatsStore orderStats,
    UserDetailsView details,
    UserFeed feed,
    FeedStreamer streamer,
    TimeProvider time,
    ILogger<UserGrpcService> logger)
    : UserService.UserServiceBase
{
    public override async Task<CreateUserResponse> CreateUser(CreateUserRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);

        var draft = new NewUser(
            UserIds.Canonical(request.RequestId),
            EmailAddress.Normalize(request.Email),
            DisplayName.Normalize(request.DisplayName));
        var now = Now();
        var result = await users.CreateAsync(draft, NewUserId(context.Caller(), now), now, context.CancellationToken);
        switch (result.Status)
        {
            case UserWriteStatus.Created:
                logger.LogInformation("Created user {UserId} for request {RequestId}", result.User!.UserId, draft.RequestId);
                break;
            case UserWriteStatus.Replayed:
                logger.LogInformation("Replayed request {RequestId}: user {UserId} already created", draft.RequestId, result.User!.UserId);
                break;
            case UserWriteStatus.RequestIdReused:
                throw MeshErrors.RequestIdReused("request_id", request.RequestId);
            case UserWriteStatus.EmailTaken:
                throw EmailTaken(draft.Email);
            case UserWriteStatus.IdTaken:
                throw MeshErrors.AlreadyExists("user", context.Caller().Subject!, $"you are already registered as user {context.Caller().Subject}; read it with GetUser");
            default:
                throw UnexpectedOutcome(result.Status);
        }

        return new CreateUserResponse { User = UserMapper.ToProto(result.User!) };
    }

    // A person (not an admin) signs up as themself: their user id is their token's subject, so
    // every later call can compare the two. Admins, and everyone with access control off, get a new id.
    private static string NewUserId(MeshCaller caller, DateTimeOffset now)
    {
        if (caller.IsAdmin || !caller.IsPerson)
        {
            return Guid.CreateVersion7(now).ToString();
        }

        return Guid.TryParse(caller.Subject, out var subject)
            ? subject.ToString()
            : throw MeshErrors.PermissionDenied(
                "/mesh.users.v1.UserService/CreateUser",
                "a person whose token subject is a UUID (set Mesh:Auth:SubjectClaim to a claim that is), or role admin");
    }

    public override async Task<GetUserResponse> GetUser(GetUserRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);

        var userId = UserIds.Canonical(request.UserId);
        var found = await details.GetAsync(userId, users, orderStats, context.CancellationToken)
            ?? throw UserNotFound(request.UserId);
        return new GetUserResponse { User = UserMapper.ToProto(found.User), OrderStats = UserMapper.ToProto(found.OrderStats) };
    }

    public override async Task<BatchGetUsersResponse> BatchGetUsers(BatchGetUsersRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);

        var ids = request.UserIds.Select(UserIds.Canonical).ToList();
        var found = await users.GetManyAsync(ids, context.CancellationToken);
        var response = new BatchGetUsersResponse();
        for (var index = 0; index < ids.Count; index++)
        {
            if (found.TryGetValue(ids[index], out var user))
            {
                response.Users.Add(UserMapper.ToProto(user));
            }
            else
            {
                // Echo the id as the caller sent it, so it can be matched against the request.
                response.MissingUserIds.Add(request.UserIds[index]);
            }
        }

        return response;
    }

    public override async Task<ListUsersResponse> ListUsers(ListUsersRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);

        var after = UserPageTokens.Decode(request.Page?.PageToken ?? string.Empty);
        var page = await users.ListAsync(after, FieldRules.PageSize(request.Page), context.CancellationToken);
        var response = new ListUsersResponse
        {
            NextPageToken = page.NextAfterSequence is { } next ? UserPageTokens.Encode(next) : string.Empty,
        };
        response.Users.AddRange(page.Users.Select(UserMapper.ToProto));
        return response;
    }

    public override async Task<UpdateUserResponse> UpdateUser(UpdateUserRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);

        var change = new UserChange(
            UserIds.Canonical(request.UserId),
            request.HasEmail ? EmailAddress.Normalize(request.Email) : null,
            request.HasDisplayName ? DisplayName.Normalize(request.DisplayName) : null);
        var result = await users.UpdateAsync(change, Now(), context.CancellationToken);
        switch (result.Status)
        {
            case UserWriteStatus.Updated:
                logger.LogInformation("Updated user {UserId}", change.UserId);
                break;
            case UserWriteStatus.Unchanged:
                break;
            case UserWriteStatus.NotFound:
                throw UserNotFound(request.UserId);
            case UserWriteStatus.EmailTaken:
                throw EmailTaken(change.Email!);
            default:
                throw UnexpectedOutcome(result.Status);
        }

        return new UpdateUserResponse { User = UserMapper.ToProto(result.User!) };
    }

    public override async Task<DeactivateUserResponse> DeactivateUser(DeactivateUserRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);

        var userId = UserIds.Canonical(request.UserId);
        var result = await users.DeactivateAsync(userId, Now(), context.CancellationToken);
        switch (result.Status)
        {
            case UserWriteStatus.Updated:
                logger.LogInformation("Deactivated user {UserId}", userId);
                break;
            case UserWriteStatus.Unchanged:
                break;
            case UserWriteStatus.NotFound:
                throw UserNotFound(request.UserId);
            default:
                throw UnexpectedOutcome(result.Status);
        }

        return new DeactivateUserResponse { User = UserMapper.ToProto(result.User!) };
    }

    public override Task WatchUsers(WatchUsersRequest request, IServerStreamWriter<WatchUsersResponse> responseStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        return streamer.StreamAsync(
            feed.Log, FeedSubscription.All(request.AfterSequence) with { StartAtHead = request.StartAtHead }, UserFeed.ToResponse, UserFeed.ToHeartbeat, responseStream, context);
    }

    // Stored times have millisecond precision; truncating here makes a response equal a later read.
    private DateTimeOffset Now() =>
        DateTimeOffset.FromUnixTimeMilliseconds(time.GetUtcNow().ToUnixTimeMilliseconds());

    private static RpcException UserNotFound(string userId) => MeshErrors.NotFound("user", userId, "user_id");

    private static RpcException EmailTaken(string email) =>
        MeshErrors.AlreadyExists("user", email, $"email: '{email}' is already registered to another user (emails compare case-insensitively)");

    private static InvalidOperationException UnexpectedOutcome(UserWriteStatus status) =>
        new($"The store returned {status}, which this call cannot produce.");
}
