namespace Mesh.Orders.Domain;

/// <summary>
/// Prices an order's lines at current catalog prices (<see cref="Mesh.Orders.Clients.CachedCatalogPricer"/>:
/// from orders' local catalog cache, fed by inventory's WatchInventory, or from inventory when
/// the cache cannot answer).
/// </summary>
public interface ICatalogPricer
{
    /// <summary>
    /// Throws <see cref="OrderRejectedException"/> for an unknown sku or mixed currencies, and
    /// UNAVAILABLE when the catalog cannot be reached. With <paramref name="screenStock"/> a
    /// pricer that knows availability may also reject a line that is plainly out of stock;
    /// it is false when the order may already hold its stock (a resumed saga), because then
    /// the units it needs no longer show as available.
    /// </summary>
    Task<PricedOrder> PriceAsync(IReadOnlyList<RequestedLine> lines, bool screenStock, CancellationToken cancellationToken);

    /// <summary>
    /// Prices a new order from what this process holds, with no call to another service, or
    /// returns null: when it cannot answer locally, and when the lines would be rejected (the
    /// saga's full path then decides the rejection and stores it). Stock is screened as by
    /// <see cref="PriceAsync"/> with screenStock.
    /// </summary>
    Task<PricedOrder?> TryPriceLocallyAsync(IReadOnlyList<RequestedLine> lines, CancellationToken cancellationToken);
}
