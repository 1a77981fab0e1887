using System.Globalization;
using Google.Rpc;
using Grpc.Core;
using Mesh.Common.V1;
using Mesh.ServiceDefaults.Errors;

namespace Mesh.Orders.Domain;

/// <summary>The errors only orders raises, built on <see cref="MeshErrors"/>.</summary>
public static class OrderErrors
{
    /// <summary>ABORTED: the saga failed after stock was held, and compensated.</summary>
    public static RpcException NotPlaced(string orderId) =>
        MeshErrors.Aborted(ErrorReason.DependencyUnavailable,
            $"order {orderId} was not placed; its stock was released; retry with a new request_id");

    /// <summary>UNAVAILABLE: the saga could neither finish nor undo its stock hold; a retry with the same request_id settles it.</summary>
    public static RpcException OutcomeUnknown(string orderId) =>
        MeshErrors.Unavailable("inventory",
            $"order {orderId} could not be completed and inventory could not be reached to release its stock; retry with the same request_id");

    /// <summary>ABORTED: the order stayed PENDING too long and the sweeper gave up on it.</summary>
    public static RpcException Abandoned(string orderId, TimeSpan after) =>
        MeshErrors.Aborted(ErrorReason.DependencyUnavailable,
            $"order {orderId} was abandoned after {after.TotalSeconds:0} s without completing; its stock was released; retry with a new request_id");

    /// <summary>
    /// FAILED_PRECONDITION / INSUFFICIENT_STOCK with one violation per short sku, worded as
    /// inventory's ReserveStock refusal, so a caller cannot tell which of the two refused.
    /// </summary>
    public static RpcException InsufficientStock(IReadOnlyList<StockShortage> shortages)
    {
        ArgumentNullException.ThrowIfNull(shortages);
        ArgumentOutOfRangeException.ThrowIfZero(shortages.Count);
        var first = shortages[0];
        var detail = shortages.Count == 1
            ? string.Create(CultureInfo.InvariantCulture, $"not enough stock of '{first.Sku}': requested {first.Requested}, available {first.Available}")
            : string.Create(CultureInfo.InvariantCulture,
                $"not enough stock of {shortages.Count} skus; first '{first.Sku}': requested {first.Requested}, available {first.Available}");
        return MeshErrors.FailedPrecondition(ErrorReason.InsufficientStock, $"not enough stock to place the order: {detail}",
            shortages.Select(shortage => new PreconditionFailure.Types.Violation
            {
                Type = "STOCK",
                Subject = "sku:" + shortage.Sku,
                Description = string.Create(CultureInfo.InvariantCulture, $"requested {shortage.Requested}, available {shortage.Available}"),
            }));
    }

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
}
