using System.Globalization;
using Google.Rpc;
using Grpc.Core;
using Mesh.Common.V1;
using Mesh.Inventory.Domain;
using Mesh.ServiceDefaults.Errors;

namespace Mesh.Inventory.Api;

/// <summary>The caller-visible inventory errors that carry a google.rpc.PreconditionFailure.</summary>
internal static class InventoryErrors
{
    /// <summary>FAILED_PRECONDITION / INSUFFICIENT_STOCK with one violation per short sku.</summary>
    public static RpcException InsufficientStock(IReadOnlyList<StockShortage> shortages)
    {
        ArgumentOutOfRangeException.ThrowIfZero(shortages.Count);
        var first = shortages[0];
        var message = shortages.Count == 1
            ? string.Create(CultureInfo.InvariantCulture, $"not enough stock of '{first.Sku}': requested {first.Requested}, available {first.Available}")
            : string.Create(CultureInfo.InvariantCulture, $"not enough stock of {shortages.Count} skus; first '{first.Sku}': requested {first.Requested}, available {first.Available}");
        return MeshErrors.FailedPrecondition(ErrorReason.InsufficientStock, message, shortages.Select(shortage => new PreconditionFailure.Types.Violation
        {
            Type = "STOCK",
            Subject = "sku:" + shortage.Sku,
            Description = string.Create(CultureInfo.InvariantCulture, $"requested {shortage.Requested}, available {shortage.Available}"),
        }));
    }

    /// <summary>FAILED_PRECONDITION / INVALID_STATE: the reservation's state does not allow <paramref name="action"/>.</summary>
    public static RpcException InvalidState(ReservationRecord reservation, string action)
    {
        var state = InventoryMapper.ToProto(reservation.Status).ToString().ToUpperInvariant();
        return MeshErrors.FailedPrecondition(
            ErrorReason.InvalidState,
            $"reservation '{reservation.ReservationId}' is {state} and cannot be {action}",
            [
                new PreconditionFailure.Types.Violation
                {
                    Type = "STATE",
                    Subject = "reservation:" + reservation.ReservationId,
                    Description = $"is {state}",
                },
            ]);
    }
}
