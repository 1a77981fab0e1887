using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Mesh.Common.V1;
using Mesh.Inventory.V1;
using Mesh.Orders.Domain;
using Mesh.ServiceDefaults.Errors;
using Microsoft.Extensions.Options;

namespace Mesh.Orders.Clients;

/// <summary>Holds and commits an order's stock in inventory, under the reservation id derived from the order.</summary>
public sealed class StockReservations(InventoryService.InventoryServiceClient inventory, IOptions<OrdersOptions> options)
{
    /// <summary>
    /// Holds the lines' stock; returns the reservation's state (a resumed saga may find it
    /// released or expired). Throws <see cref="OrderRejectedException"/> for a shortage or a sku
    /// gone since pricing, UNAVAILABLE when inventory cannot answer.
    /// </summary>
    public async Task<ReservationState> ReserveAsync(string orderId, IReadOnlyList<RequestedLine> lines, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var request = new ReserveStockRequest
        {
            ReservationId = ReservationIds.ForOrder(orderId),
            Lines = { lines.Select(line => new ReservationLine { Sku = line.Sku, Quantity = line.Quantity }) },
            Ttl = Duration.FromTimeSpan(options.Value.ReservationTtl),
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

    /// <summary>Turns the hold into a sale; any failure (the saga compensates) throws.</summary>
    public async Task CommitAsync(string orderId, CancellationToken cancellationToken)
    {
        var response = await inventory.CommitReservationAsync(
            new CommitReservationRequest { ReservationId = ReservationIds.ForOrder(orderId) }, cancellationToken: cancellationToken);
        if (response.Reservation?.State != ReservationState.Committed)
        {
            throw new InvalidOperationException($"inventory CommitReservation left the reservation {response.Reservation?.State}");
        }
    }
}
