namespace Mesh.Orders.Domain;

/// <summary>
/// Prices an order's lines at current catalog prices. Behind an interface so the catalog can
/// come from inventory directly (now) or from a local cache fed by inventory's stream (later).
/// </summary>
public interface ICatalogPricer
{
    /// <summary>
    /// Throws <see cref="OrderRejectedException"/> for an unknown sku or mixed currencies, and
    /// UNAVAILABLE when the catalog cannot be reached.
    /// </summary>
    Task<PricedOrder> PriceAsync(IReadOnlyList<RequestedLine> lines, CancellationToken cancellationToken);
}
