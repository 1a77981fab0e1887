using Mesh.Orders.Clients;
using Mesh.Orders.Storage;
using Microsoft.Extensions.Options;

namespace Mesh.Orders.Domain;

/// <summary>
/// Settles orders left PENDING longer than <see cref="OrdersOptions.AbandonAfter"/> (their saga
/// crashed, or its caller never retried after UNAVAILABLE), so no order stays half-done:
/// release the reservation, then REJECTED ("abandoned") — or CONFIRMED when inventory says
/// the reservation was in fact committed.
/// </summary>
public sealed class AbandonedOrderSweeper(
    OrderStore store,
    IRequestLocks locks,
    StockReleaser releaser,
    IOptions<OrdersOptions> options,
    TimeProvider time,
    ILogger<AbandonedOrderSweeper> logger)
{
    private const int BatchSize = 100;

    /// <summary>Settles up to one batch of abandoned orders; returns how many were settled.</summary>
    public async Task<int> SweepOnceAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var abandoned = await store.ListPendingCreatedBeforeAsync(now - options.Value.AbandonAfter, BatchSize, cancellationToken);
        var settled = 0;
        foreach (var order in abandoned)
        {
            cancellationToken.ThrowIfCancellationRequested();

            // Skip an order whose saga is running right now (a late retry, on any replica); the next sweep sees it again.
            await using var held = await locks.TryAcquireAsync(order.RequestId, cancellationToken);
            if (held is null)
            {
                continue;
            }

            // Read again under the lock: since the listing, a saga or another replica's sweeper may have settled it.
            var current = await store.FindAsync(order.OrderId, cancellationToken);
            if (current?.Status == OrderStatus.Pending && await SettleAsync(current))
            {
                settled++;
            }
        }

        return settled;
    }

    private async Task<bool> SettleAsync(OrderRecord order)
    {
        var outcome = await releaser.ReleaseAsync(order.OrderId);
        var now = DateTimeOffset.FromUnixTimeMilliseconds(time.GetUtcNow().ToUnixTimeMilliseconds());
        switch (outcome)
        {
            case ReleaseOutcome.Failed:
                return false;
            case ReleaseOutcome.AlreadyCommitted:
                await store.ConfirmAsync(order.OrderId, now);
                logger.LogInformation("Confirmed abandoned order {OrderId}: its reservation had been committed", order.OrderId);
                return true;
            default:
                var error = OrderErrors.Abandoned(order.OrderId, options.Value.AbandonAfter);
                await store.RejectAsync(order.OrderId, "abandoned: not completed in time; its stock was released", OrderErrors.StatusOf(error), now);
                logger.LogWarning("Rejected abandoned order {OrderId} (pending since {CreateTime})", order.OrderId, order.CreateTime);
                return true;
        }
    }
}
