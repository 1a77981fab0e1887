using Mesh.Inventory.Domain;

namespace Mesh.Inventory.Storage;

/// <summary>
/// Every read and write of the inventory tables, whatever stores them. Each write is one
/// transaction that reads, decides with the Domain rules and writes, so no other write — in
/// this process or another replica — can slip between a check and its effect. Refusals are
/// returned as outcomes rather than thrown, so the transaction still commits what happened on
/// the way (overdue holds expired) and nothing else. Every item change is appended to the
/// inventory event log in the transaction that makes it, in the order the changes were made.
/// </summary>
public interface IInventoryRepository
{
    Task<ItemRecord?> GetItemAsync(string sku, CancellationToken cancellationToken);

    /// <summary>The items that exist among <paramref name="skus"/>, keyed by sku.</summary>
    Task<IReadOnlyDictionary<string, ItemRecord>> GetItemsAsync(IReadOnlyCollection<string> skus, CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="limit"/> items with a sku ordinally after <paramref name="afterSku"/>, in sku order.</summary>
    Task<IReadOnlyList<ItemRecord>> ListItemsAsync(string? afterSku, int limit, CancellationToken cancellationToken);

    /// <summary>Creates the item once; a retry with the same definition gets the item back.</summary>
    Task<CreateItemOutcome> CreateItemAsync(ItemDefinition definition, CancellationToken cancellationToken);

    /// <summary>Changes name and/or price; a call that would change nothing writes nothing.</summary>
    Task<UpdateItemOutcome> UpdateItemAsync(ItemUpdate update, CancellationToken cancellationToken);

    /// <summary>Applies the adjustment once per request id.</summary>
    Task<AdjustStockOutcome> AdjustStockAsync(StockAdjustment adjustment, CancellationToken cancellationToken);

    /// <summary>Holds every line or none, once per reservation id.</summary>
    Task<ReserveStockOutcome> ReserveStockAsync(
        string reservationId, IReadOnlyList<ReservationLineRecord> lines, TimeSpan ttl, CancellationToken cancellationToken);

    /// <summary>Commits a held reservation (or expires it when overdue); null when it does not exist.</summary>
    Task<ReservationChange?> CommitReservationAsync(string reservationId, CancellationToken cancellationToken);

    /// <summary>Releases a held reservation (or expires it when overdue); null when it does not exist.</summary>
    Task<ReservationChange?> ReleaseReservationAsync(string reservationId, CancellationToken cancellationToken);

    /// <summary>Expires up to <paramref name="limit"/> overdue holds, oldest deadline first; returns their ids.</summary>
    Task<IReadOnlyList<string>> ExpireDueReservationsAsync(int limit, CancellationToken cancellationToken);
}
