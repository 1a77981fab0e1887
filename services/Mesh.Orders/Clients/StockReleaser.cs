using Grpc.Core;
using Mesh.Inventory.V1;
using Mesh.Orders.Domain;
using Mesh.ServiceDefaults.Clients;

namespace Mesh.Orders.Clients;

/// <summary>Releases an order's reservation: the compensating step of the saga and of the sweeper.</summary>
public sealed class StockReleaser(InventoryService.InventoryServiceClient inventory, ILogger<StockReleaser> logger)
{
    /// <summary>Never throws for an inventory failure: it reports <see cref="ReleaseOutcome.Failed"/> and logs.</summary>
    public async Task<ReleaseOutcome> ReleaseAsync(string orderId)
    {
        var reservationId = ReservationIds.ForOrder(orderId);
        try
        {
            var response = await DetachedCall.RunAsync("orders.release_reservation", async () =>
                await inventory.ReleaseReservationAsync(new ReleaseReservationRequest { ReservationId = reservationId }));
            logger.LogInformation("Released reservation {ReservationId} ({State})", reservationId, response.Reservation?.State);
            return ReleaseOutcome.Released;
        }
        catch (RpcException exception) when (exception.StatusCode == StatusCode.NotFound)
        {
            return ReleaseOutcome.NothingHeld;
        }
        catch (RpcException exception) when (exception.StatusCode == StatusCode.FailedPrecondition)
        {
            // Per the inventory contract the only reason a release is refused: the hold was committed.
            logger.LogInformation("Reservation {ReservationId} was already committed", reservationId);
            return ReleaseOutcome.AlreadyCommitted;
        }
        catch (RpcException exception)
        {
            logger.LogWarning(exception,
                "Could not release reservation {ReservationId} ({StatusCode}); its TTL will return the stock",
                reservationId, exception.StatusCode);
            return ReleaseOutcome.Failed;
        }
    }
}
