using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Mesh.Common.V1;
using Mesh.ServiceDefaults.Errors;

namespace Mesh.Orders.Domain;

/// <summary>The orders-specific errors that <see cref="MeshErrors"/> has no builder for.</summary>
public static class OrderErrors
{
    /// <summary>ABORTED: the saga failed after stock was held, and compensated.</summary>
    public static RpcException NotPlaced(string orderId) =>
        Build(Code.Aborted,
            $"order {orderId} was not placed; its stock was released; retry with a new request_id",
            ErrorReason.DependencyUnavailable);

    /// <summary>ABORTED: the order stayed PENDING too long and the sweeper gave up on it.</summary>
    public static RpcException Abandoned(string orderId, TimeSpan after) =>
        Build(Code.Aborted,
            $"order {orderId} was abandoned after {after.TotalSeconds:0} s without completing; its stock was released; retry with a new request_id",
            ErrorReason.DependencyUnavailable);

    /// <summary>The error a REJECTED order was refused with, for a retry with the same request_id.</summary>
    public static RpcException Replay(OrderRecord order)
    {
        ArgumentNullException.ThrowIfNull(order);
        return order.Rejection?.ToRpcException()
            ?? MeshErrors.FailedPrecondition(ErrorReason.InvalidState, $"order {order.OrderId} was rejected: {order.Reason}");
    }

    /// <summary>The google.rpc.Status to store for <paramref name="error"/>, so a replay carries the same details.</summary>
    public static Google.Rpc.Status StatusOf(RpcException error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return error.GetRpcStatus() ?? new Google.Rpc.Status { Code = (int)error.StatusCode, Message = error.Status.Detail };
    }

    private static RpcException Build(Code code, string message, ErrorReason reason)
    {
        var status = new Google.Rpc.Status { Code = (int)code, Message = message };
        status.Details.Add(Any.Pack(new ErrorInfo { Domain = MeshErrors.Domain, Reason = ReasonName(reason) }));
        return status.ToRpcException();
    }

    // Same convention as MeshErrors: the enum value name without its ERROR_REASON_ prefix.
    private static string ReasonName(ErrorReason reason) =>
        ErrorReasonReflection.Descriptor.EnumTypes[0].FindValueByNumber((int)reason).Name["ERROR_REASON_".Length..];
}
