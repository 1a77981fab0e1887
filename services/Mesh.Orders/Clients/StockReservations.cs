using Google.Rpc;
using Grpc.Core;
using Mesh.Common.V1;
using Mesh.Inventory.V1;
using Mesh.Orders.Domain;
using Mesh.ServiceDefaults.Errors;

namespace Mesh.Orders.Clients;

/// <summary>Sells an order's stock in inventory, under the reservation id derived from the order.</summary>
public sealed class StockReservations(InventoryService.InventoryServiceClient inventory)
{
    /// <summary>
    /// Holds and commits the lines' stock in one call (ReserveStock with commit) and returns the
    /// reservation's state: COMMITTED, or, for a resumed saga, RELEASED or EXPIRED when a hold an
    /// earlier version of the saga made is gone. Throws <see cref="OrderRejectedException"/> for a
    /// shortage or a sku gone since pricing, UNAVAILABLE when inventory cannot answer (then
    /// whether the stock was sold is unknown: a retry with the same reservation id finds out).
    /// </summary>
    public async Task<ReservationState> SellAsync(string orderId, IReadOnlyList<RequestedLine> lines, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var request = new ReserveStockRequest
        {
            ReservationId = ReservationIds.ForOrder(orderId),
            Lines = { lines.Select(line => new ReservationLine { Sku = line.Sku, Quantity = line.Quantity }) },
            Commit = true,
        };
        try
        {
            var response = await inventory.ReserveStockAsync(request, cancellationToken: cancellationToken);
            return response.Reservation?.State ?? throw new InvalidOperationException("inventory ReserveStock returned no reservation");
        }
        catch (RpcException exception) when (exception.StatusCode == StatusCode.FailedPrecondition)
        {
            // Pass inventory's per-sku shortages on: they tell the caller what to change.
            var shortages = exception.GetRpcStatus()?.GetDetail<PreconditionFailure>()?.Violations;
            throw new OrderRejectedException(MeshErrors.FailedPrecondition(
                ErrorReason.InsufficientStock, $"not enough stock to place the order: {exception.Status.Detail}", shortages));
        }
        catch (RpcException exception) when (exception.StatusCode == StatusCode.NotFound)
        {
            // The item disappeared between pricing and reserving.
            var sku = exception.GetRpcStatus()?.GetDetail<ResourceInfo>()?.ResourceName ?? string.Empty;
            var index = lines.Select(line => line.Sku).ToList().IndexOf(sku);
            throw new OrderRejectedException(MeshErrors.NotFound("item", sku, index >= 0 ? $"lines[{index}].sku" : "lines"));
        }
        catch (RpcException exception)
        {
            throw DependencyFailures.Translate(exception, "inventory", "ReserveStock");
        }
    }
}
