using Grpc.Core;
using Mesh.Inventory.V1;
using Mesh.Orders.Clients;
using Mesh.Orders.Storage;
using Mesh.ServiceDefaults.Errors;

namespace Mesh.Orders.Domain;

/// <summary>
/// PlaceOrder across the mesh: claim the request_id, check the user, price the lines, store the
/// priced order, sell the stock (inventory holds and commits it in one call), confirm. When the
/// user and the prices are known locally, a new order is claimed already priced (one write for
/// the first three steps). Every step
/// is idempotent, so a request that stopped midway (crash, dependency down) is resumed by a retry
/// with the same request_id.
/// <list type="bullet">
/// <item>A rejection before the sale (unknown user or sku, inactive user, mixed currencies,
/// insufficient stock) is stored on the order and returned to every retry.</item>
/// <item>A dependency failure, including a sale whose answer was lost, leaves the order PENDING:
/// UNAVAILABLE, retry. The retry's sale finds the committed reservation and sells nothing twice;
/// the price is stored before the sale, so a sale is never without one.</item>
/// <item>A resumed order whose reservation is gone unsold (a hold that expired or was released)
/// is compensated: the order REJECTED, the caller told ABORTED.</item>
/// </list>
/// Orders left PENDING are settled by <see cref="AbandonedOrderSweeper"/>, which can only run once
/// the saga has let go of the request_id, so never while a sale is in flight.
/// </summary>
public sealed class PlaceOrderSaga(
    OrderStore store,
    IRequestLocks locks,
    UserChecker users,
    StockReservations stock,
    ICatalogPricer pricer,
    StockReleaser releaser,
    TimeProvider time,
    SagaMetrics metrics,
    CatalogPricingMetrics pricings,
    ILogger<PlaceOrderSaga> logger)
{
    public async Task<OrderRecord> PlaceAsync(PlaceOrderCommand command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);

        // A duplicate arriving while this request_id's saga runs (on any replica) waits here, then finds its result.
        await using var held = await locks.AcquireAsync(command.RequestId, cancellationToken);
        var priced = await PriceLocallyAsync(command, cancellationToken);
        var claim = await store.ClaimAsync(
            new NewOrder(Guid.CreateVersion7().ToString(), command.RequestId, command.RequestHash, command.UserId, command.Lines, Now(), priced),
            cancellationToken);
        var order = claim.Order;
        if (!string.Equals(order.RequestHash, command.RequestHash, StringComparison.Ordinal))
        {
            throw MeshErrors.RequestIdReused("request_id", command.RequestId);
        }

        switch (order.Status)
        {
            case OrderStatus.Confirmed or OrderStatus.Cancelled:
                return order;
            case OrderStatus.Rejected:
                throw OrderErrors.Replay(order);
        }

        // Every order starts here: Debug, or the shipped level would log each one.
        if (claim.Created)
        {
            if (priced is not null)
            {
                pricings.PricedAtClaim();
            }

            logger.LogDebug("Placing order {OrderId} for request {RequestId}", order.OrderId, order.RequestId);
        }
        else
        {
            logger.LogInformation("Resuming pending order {OrderId} for request {RequestId}", order.OrderId, order.RequestId);
        }

        try
        {
            return await RunAsync(order.OrderId, command, resumed: !claim.Created, storedPrice: claim.Created ? priced : null, cancellationToken);
        }
        catch (RpcException exception) when (cancellationToken.IsCancellationRequested)
        {
            // The caller's deadline passed (or it cancelled) while the saga ran; that, not what the
            // saga ran into as a consequence, is the answer (DEADLINE_EXCEEDED or CANCELLED), as
            // gRPC itself reports it. The stored outcome is what a retry gets.
            throw new OperationCanceledException("the call ended before the order was placed", exception, cancellationToken);
        }
    }

    /// <summary>
    /// The order's price when both the user check and the pricing can be answered in memory and
    /// from the local catalog cache and would pass; the claim then stores it, one write instead of
    /// two. Null otherwise, and the full path decides (and stores) every other outcome as before.
    /// </summary>
    private async Task<PricedOrder?> PriceLocallyAsync(PlaceOrderCommand command, CancellationToken cancellationToken) =>
        users.IsKnownActive(command.UserId) ? await pricer.TryPriceLocallyAsync(command.Lines, cancellationToken) : null;

    private async Task<OrderRecord> RunAsync(
        string orderId, PlaceOrderCommand command, bool resumed, PricedOrder? storedPrice, CancellationToken cancellationToken)
    {
        ReservationState sale;
        try
        {
            if (storedPrice is null)
            {
                await users.CheckAsync(command.UserId, cancellationToken);
                var priced = await pricer.PriceAsync(command.Lines, screenStock: !resumed, cancellationToken);
                // Before the sale: a sale whose answer is lost is confirmed later with this price.
                await store.SavePricingAsync(orderId, priced, Now());
            }

            sale = await SellAsync(orderId, command.Lines, cancellationToken);
        }
        catch (OrderRejectedException rejection)
        {
            // An earlier attempt may have got further and sold the stock.
            if (resumed && await releaser.ReleaseAsync(orderId) == ReleaseOutcome.AlreadyCommitted)
            {
                metrics.Recovered();
                return await store.ConfirmAsync(orderId, Now());
            }

            await store.RejectAsync(orderId, rejection.Error.Status.Detail, OrderErrors.StatusOf(rejection.Error), Now());
            metrics.Rejected();
            logger.LogInformation("Rejected order {OrderId}: {Reason}", orderId, rejection.Error.Status.Detail);
            throw rejection.Error;
        }

        if (sale != ReservationState.Committed)
        {
            // A resumed saga found a hold (made before sales were one call) released or expired: the stock it counted on is gone.
            return await CompensateAsync(orderId, $"its reservation is {sale}");
        }

        // If this write fails the stock is sold but the order still PENDING: a retry with the
        // same request_id, or the sweeper, finds the committed reservation and confirms it.
        var confirmed = await store.ConfirmAsync(orderId, Now());
        metrics.Confirmed();
        // The normal outcome of every order: Debug. Rejections, compensations and recoveries stay at Information or above.
        logger.LogDebug("Confirmed order {OrderId} ({Currency} {TotalMinor})", orderId, confirmed.CurrencyCode, confirmed.TotalMinor);
        return confirmed;
    }

    private async Task<ReservationState> SellAsync(string orderId, IReadOnlyList<RequestedLine> lines, CancellationToken cancellationToken)
    {
        try
        {
            return await stock.SellAsync(orderId, lines, cancellationToken);
        }
        catch (Exception failure) when (failure is not OrderRejectedException)
        {
            // Sold or not, nobody knows until the order's next attempt (or the sweeper) asks again.
            metrics.Unknown();
            logger.LogWarning(failure, "The sale of order {OrderId} has no answer; the order stays pending", orderId);
            throw;
        }
    }

    private async Task<OrderRecord> CompensateAsync(string orderId, string why)
    {
        logger.LogWarning("Order {OrderId} could not complete ({Why}); releasing its stock", orderId, why);
        var outcome = await releaser.ReleaseAsync(orderId);
        if (outcome == ReleaseOutcome.AlreadyCommitted)
        {
            // Another attempt's sale got there first: the order is placed.
            var confirmed = await store.ConfirmAsync(orderId, Now());
            metrics.Recovered();
            logger.LogInformation("Confirmed order {OrderId}: its sale had gone through", orderId);
            return confirmed;
        }

        if (outcome == ReleaseOutcome.Failed)
        {
            // Whether the stock is sold is unknown and the hold could not be released, so
            // neither REJECTED nor CONFIRMED would be safe to write. The order stays PENDING: a
            // retry with the same request_id, or the sweeper, settles it once inventory answers.
            metrics.Unknown();
            throw OrderErrors.OutcomeUnknown(orderId);
        }

        var error = OrderErrors.NotPlaced(orderId);
        await store.RejectAsync(orderId, $"not placed: {why}; its stock was released", OrderErrors.StatusOf(error), Now());
        metrics.Compensated();
        throw error;
    }

    // Millisecond precision, as stored, so a returned order equals the same order read back later.
    private DateTimeOffset Now() => DateTimeOffset.FromUnixTimeMilliseconds(time.GetUtcNow().ToUnixTimeMilliseconds());
}
