using Google.Rpc;
using Grpc.Core;
using Mesh.Common.V1;
using Mesh.Orders.Domain;
using Mesh.Orders.Feeds;
using Mesh.ServiceDefaults.Errors;
using Mesh.Users.V1;

namespace Mesh.Orders.Clients;

/// <summary>
/// Checks that an order's user exists and may order: the saga's first step. A user orders has
/// asked about before is answered from the <see cref="UserDirectory"/> while its feed is live;
/// otherwise users is asked (GetUser).
/// </summary>
public sealed class UserChecker(UserService.UserServiceClient users, UserDirectory directory)
{
    /// <summary>Throws <see cref="OrderRejectedException"/> for an unknown or deactivated user, UNAVAILABLE when users cannot answer.</summary>
    public async Task CheckAsync(string userId, CancellationToken cancellationToken)
    {
        // The view "order-users" counts its hits and loads (mesh.storage.read_view.*).
        var user = directory.IsLive
            ? await directory.FindAsync(userId, users, static (id, users, token) => GetAsync(users, id, token), cancellationToken)
            : await GetAsync(users, userId, cancellationToken);

        if (user is null)
        {
            throw new OrderRejectedException(MeshErrors.NotFound("user", userId, "user_id"));
        }

        if (user.State != UserState.Active)
        {
            throw new OrderRejectedException(MeshErrors.FailedPrecondition(
                ErrorReason.UserInactive,
                $"user '{userId}' is deactivated and cannot place orders",
                [new PreconditionFailure.Types.Violation { Type = "USER_STATE", Subject = $"users/{userId}", Description = "the user is deactivated" }]));
        }
    }

    /// <summary>
    /// True when the users directory already knows <paramref name="userId"/> as active: the check
    /// passes with no call. False says nothing: <see cref="CheckAsync"/> decides.
    /// </summary>
    public bool IsKnownActive(string userId) =>
        directory.TryFind(userId, out var user) && user.State == UserState.Active;

    private static async Task<User?> GetAsync(UserService.UserServiceClient users, string userId, CancellationToken cancellationToken)
    {
        try
        {
            return (await users.GetUserAsync(new GetUserRequest { UserId = userId }, cancellationToken: cancellationToken)).User;
        }
        catch (RpcException exception) when (exception.StatusCode == StatusCode.NotFound)
        {
            return null;
        }
        catch (RpcException exception)
        {
            throw DependencyFailures.Translate(exception, "users", "GetUser");
        }
    }
}
