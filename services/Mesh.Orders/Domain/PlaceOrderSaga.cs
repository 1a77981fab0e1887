using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Mesh.Common.V1;
using Mesh.Inventory.V1;
using Mesh.Orders.Storage;
using Mesh.ServiceDefaults.Errors;
using Mesh.Users.V1;
using Microsoft.Extensions.Options;

namespace Mesh.Orders.Domain;

/// <summary>
/// PlaceOrder across the mesh: claim the request_id, check the user, price the lines, hold the
/// stock, store the priced order, commit the stock. Every step is idempotent, so a request
/// that stopped midway (crash, dependency down) is resumed by a retry with the same request_id.
/// <list type="bullet">
/// <item>A rejection before stock is held (unknown user or sku, inactive user, mixed
/// currencies, insufficient stock) is stored on the order and returned to every retry.</item>
/// <item>A dependency failure before stock is held leaves the order PENDING: UNAVAILABLE, retry.</item>
/// <item>Any failure after stock is held is compensated: the reservation is released, the
/// order REJECTED, the caller told ABORTED. If the release cannot be done either, the order
/// stays PENDING and the caller is told UNAVAILABLE (retry with the same request_id).</item>
/// </list>
/// Orders left PENDING are settled by <see cref="AbandonedOrderSweeper"/>.
/// </summary>
public sealed class PlaceOrderSaga(
    IOrderRepository repository,
    IRequestLocks locks,
    UserService.UserServiceClient users,
    InventoryService.InventoryServiceClient inventory,
    ICatalogPricer pricer,
    StockReleaser releaser,
    IOptions<OrdersOptions> options,
    TimeProvider time,
    ILogger<PlaceOrderSaga> logger)
{
    public async Task<OrderRecord> PlaceAsync(PlaceOrderCommand command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);

        // A duplicate arriving while this request_id's saga runs (on any replica) waits here, then finds its result.
        await using var held = await locks.AcquireAsync(command.RequestId, cancellationToken);
        var claim = await repository.ClaimAsync(
            new NewOrder(Guid.CreateVersion7().ToString(), command.RequestId, command.RequestHash, command.UserId, command.Lines, Now()),
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
            logger.LogDebug("Placing order {OrderId} for request {RequestId}", order.OrderId, order.RequestId);
        }
        else
        {
            logger.LogInformation("Resuming pending order {OrderId} for request {RequestId}", order.OrderId, order.RequestId);
        }

        try
        {
            return await RunAsync(order.OrderId, command, resumed: !claim.Created, cancellationToken);
        }
        catch (RpcException exception) when (cancellationToken.IsCancellationRequested)
        {
            // The caller's deadline passed (or it cancelled) while the saga ran; that, not what the
            // saga ran into as a consequence, is the answer (DEADLINE_EXCEEDED or CANCELLED), as
            // gRPC itself reports it. The stored outcome is what a retry gets.
            throw new OperationCanceledException("the call ended before the order was placed", exception, cancellationToken);
        }
    }

    private async Task<OrderRecord> RunAsync(string orderId, PlaceOrderCommand command, bool resumed, CancellationToken cancellationToken)
    {
        PricedOrder priced;
        ReservationState reservation;
        try
        {
            await CheckUserAsync(command.UserId, cancellationToken);
            priced = await pricer.PriceAsync(command.Lines, screenStock: !resumed, cancellationToken);
            reservation = await ReserveAsync(orderId, command.Lines, cancellationToken);
        }
        catch (OrderRejectedException rejection)
        {
            // An earlier attempt may have got further and still hold (or have sold) the stock.
            if (resumed && await releaser.ReleaseAsync(orderId) == ReleaseOutcome.AlreadyCommitted)
            {
                return await repository.ConfirmAsync(orderId, Now());
            }

            await repository.RejectAsync(orderId, rejection.Error.Status.Detail, OrderErrors.StatusOf(rejection.Error), Now());
            logger.LogInformation("Rejected order {OrderId}: {Reason}", orderId, rejection.Error.Status.Detail);
            throw rejection.Error;
        }

        if (reservation is not (ReservationState.Held or ReservationState.Committed))
        {
            // A resumed saga found its hold released or expired: the stock it counted on is gone.
            return await CompensateAsync(orderId, $"its reservation is {reservation}", failure: null);
        }

        return await CompleteAsync(orderId, priced, cancellationToken);
    }

    private async Task<OrderRecord> CompleteAsync(string orderId, PricedOrder priced, CancellationToken cancellationToken)
    {
        try
        {
            await repository.SavePricingAsync(orderId, priced, Now());
            await CommitAsync(orderId, cancellationToken);
        }
        catch (Exception failure)
        {
            return await CompensateAsync(orderId, "a step after the reservation failed", failure);
        }

        // If this write fails the stock is committed but the order still PENDING: a retry with
        // the same request_id, or the sweeper, finds the committed reservation and confirms it.
        var confirmed = await repository.ConfirmAsync(orderId, Now());
        // The normal outcome of every order: Debug. Rejections, compensations and recoveries stay at Information or above.
        logger.LogDebug("Confirmed order {OrderId} ({Currency} {TotalMinor})", orderId, confirmed.CurrencyCode, confirmed.TotalMinor);
        return confirmed;
    }

    private async Task CheckUserAsync(string userId, CancellationToken cancellationToken)
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

    private async Task<ReservationState> ReserveAsync(string orderId, IReadOnlyList<RequestedLine> lines, CancellationToken cancellationToken)
    {
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

    private async Task CommitAsync(string orderId, CancellationToken cancellationToken)
    {
        var response = await inventory.CommitReservationAsync(
            new CommitReservationRequest { ReservationId = ReservationIds.ForOrder(orderId) }, cancellationToken: cancellationToken);
        if (response.Reservation?.State != ReservationState.Committed)
        {
            throw new InvalidOperationException($"inventory CommitReservation left the reservation {response.Reservation?.State}");
        }
    }

    private async Task<OrderRecord> CompensateAsync(string orderId, string why, Exception? failure)
    {
        logger.LogWarning(failure, "Order {OrderId} could not complete ({Why}); releasing its stock", orderId, why);
        var outcome = await releaser.ReleaseAsync(orderId);
        if (outcome == ReleaseOutcome.AlreadyCommitted)
        {
            // The commit reached inventory although its answer was lost: the order is placed.
            var confirmed = await repository.ConfirmAsync(orderId, Now());
            logger.LogInformation("Confirmed order {OrderId}: its commit had gone through", orderId);
            return confirmed;
        }

        if (outcome == ReleaseOutcome.Failed)
        {
            // Whether the commit went through is unknown and the hold could not be released, so
            // neither REJECTED nor CONFIRMED would be safe to write. The order stays PENDING: a
            // retry with the same request_id, or the sweeper, settles it once inventory answers.
            throw OrderErrors.OutcomeUnknown(orderId);
        }

        var error = OrderErrors.NotPlaced(orderId);
        await repository.RejectAsync(orderId, $"not placed: {why}; its stock was released", OrderErrors.StatusOf(error), Now());
        throw error;
    }

    // Millisecond precision, as stored, so a returned order equals the same order read back later.
    private DateTimeOffset Now() => DateTimeOffset.FromUnixTimeMilliseconds(time.GetUtcNow().ToUnixTimeMilliseconds());
}
