using Mesh.Orders.Domain;
using Mesh.Orders.V1;

namespace Mesh.Orders.Storage;

/// <summary>
/// Every read and write of the orders tables, whatever stores them. Each write decides and
/// applies its change in one transaction; state changes are guarded by the state they leave
/// (UPDATE … WHERE state = 'pending'), so a saga, a retry and the sweeper — on any replica —
/// can never both move one order. A change that really happened appends its
/// <see cref="OrderEvent"/> to the order event log in the same transaction (transactional
/// outbox); a write that changes nothing announces nothing.
/// </summary>
public interface IOrderRepository
{
    /// <summary>
    /// Inserts <paramref name="order"/> as PENDING unless its request_id is taken; either way
    /// returns the order holding the request_id.
    /// </summary>
    Task<OrderClaim> ClaimAsync(NewOrder order, CancellationToken cancellationToken);

    /// <summary>
    /// Stores names, prices and total on a PENDING order's lines (again, on a resumed saga).
    /// The first pricing announces ORDER_PLACED: the order is priced and its stock held.
    /// </summary>
    Task SavePricingAsync(string orderId, PricedOrder priced, DateTimeOffset now);

    /// <summary>PENDING → CONFIRMED. Returns the order as it is afterwards.</summary>
    Task<OrderRecord> ConfirmAsync(string orderId, DateTimeOffset now);

    /// <summary>PENDING → REJECTED with the error a retry will get. Returns the order as it is afterwards.</summary>
    Task<OrderRecord> RejectAsync(string orderId, string reason, Google.Rpc.Status rejection, DateTimeOffset now);

    /// <summary>CONFIRMED → CANCELLED. Returns the order as it is afterwards.</summary>
    Task<OrderRecord> CancelAsync(string orderId, string reason, DateTimeOffset now);

    Task<OrderRecord?> FindAsync(string orderId, CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="limit"/> of the user's orders, newest first, before <paramref name="beforeSequence"/>.</summary>
    Task<IReadOnlyList<OrderRecord>> ListByUserAsync(string userId, long? beforeSequence, int limit, CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="limit"/> PENDING orders created before <paramref name="cutoff"/>, oldest first.</summary>
    Task<IReadOnlyList<OrderRecord>> ListPendingCreatedBeforeAsync(DateTimeOffset cutoff, int limit, CancellationToken cancellationToken);
}
