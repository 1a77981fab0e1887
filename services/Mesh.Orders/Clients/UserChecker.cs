using Google.Rpc;
using Grpc.Core;
using Mesh.Common.V1;
using Mesh.Orders.Domain;
using Mesh.ServiceDefaults.Errors;
using Mesh.Users.V1;

namespace Mesh.Orders.Clients;

/// <summary>Asks users whether an order's user exists and may order: the saga's first step.</summary>
public sealed class UserChecker(UserService.UserServiceClient users)
{
    /// <summary>Throws <see cref="OrderRejectedException"/> for an unknown or deactivated user, UNAVAILABLE when users cannot answer.</summary>
    public async Task CheckAsync(string userId, CancellationToken cancellationToken)
    {
        User user;
        try
        {
            user = (await users.GetUserAsync(new GetUserRequest { UserId = userId }, cancellationToken: cancellationToken)).User;
        }
        catch (RpcException exception) when (exception.StatusCode == StatusCode.NotFound)
        {
            throw new OrderRejectedException(MeshErrors.NotFound("user", userId, "user_id"));
        }
        catch (RpcException exception)
        {
            throw DependencyFailures.Translate(exception, "users", "GetUser");
        }

        if (user.State != UserState.Active)
        {
            throw new OrderRejectedException(MeshErrors.FailedPrecondition(
                ErrorReason.UserInactive,
                $"user '{userId}' is deactivated and cannot place orders",
                [new PreconditionFailure.Types.Violation { Type = "USER_STATE", Subject = $"users/{userId}", Description = "the user is deactivated" }]));
        }
    }
}
