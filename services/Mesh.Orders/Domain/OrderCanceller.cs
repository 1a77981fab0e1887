using Google.Rpc;
using Grpc.Core;
using Mesh.Common.V1;
using Mesh.Orders.Clients;
using Mesh.Orders.Storage;
using Mesh.ServiceDefaults.Errors;

namespace Mesh.Orders.Domain;

/// <summary>
/// CancelOrder: gives a CONFIRMED order's stock back (<see cref="StockRestocker"/>), then marks
/// it CANCELLED.
/// </summary>
public sealed class OrderCanceller(
    OrderStore store,
    StockRestocker restocker,
    TimeProvider time,
    ILogger<OrderCanceller> logger)
{
    private const string DefaultReason = "cancelled";

    /// <param name="owns">
    /// Whether the caller may act on an order of this user id; someone else's order is answered
    /// exactly like a missing one, before anything changes.
    /// </param>
    public async Task<OrderRecord> CancelAsync(string orderId, string reason, Func<string, bool> owns, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(orderId);
        ArgumentNullException.ThrowIfNull(reason);
        ArgumentNullException.ThrowIfNull(owns);

        var order = await store.FindAsync(orderId, cancellationToken);
        if (order is null || !owns(order.UserId))
        {
            throw MeshErrors.NotFound("order", orderId, "order_id");
        }

        switch (order.Status)
        {
            case OrderStatus.Cancelled:
                return order;
            case OrderStatus.Rejected:
                throw InvalidState(orderId, $"order {orderId} was rejected ({order.Reason}); it holds no stock and cannot be cancelled");
            case OrderStatus.Pending:
                throw InvalidState(orderId, $"order {orderId} is still being placed; retry shortly");
        }

        foreach (var line in order.Lines)
        {
            await restocker.RestockAsync(orderId, line, cancellationToken);
        }

        var cancelled = await store.CancelAsync(orderId, reason.Length == 0 ? DefaultReason : reason, Now());
        logger.LogInformation("Cancelled order {OrderId}; stock of {LineCount} line(s) given back", orderId, order.Lines.Count);
        return cancelled;
    }

    private static RpcException InvalidState(string orderId, string message) =>
        MeshErrors.FailedPrecondition(ErrorReason.InvalidState, message,
            [new PreconditionFailure.Types.Violation { Type = "STATE", Subject = $"orders/{orderId}", Description = message }]);

    private DateTimeOffset Now() => DateTimeOffset.FromUnixTimeMilliseconds(time.GetUtcNow().ToUnixTimeMilliseconds());
}
