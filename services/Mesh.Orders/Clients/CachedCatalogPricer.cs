using Mesh.Orders.Domain;
using Mesh.Orders.Feeds;
using Mesh.Orders.Storage;

namespace Mesh.Orders.Clients;

/// <summary>
/// Prices from orders' catalog cache when it can answer for inventory — the feed is live and
/// level with inventory, and every sku is cached — with no call to inventory; a line the cache
/// shows out of stock is rejected at once. Otherwise it asks inventory
/// (<see cref="InventoryCatalogPricer"/>). The cache only screens: the reservation stays the
/// authority on stock, so a line the cache thinks is in stock can still be refused by ReserveStock.
/// For a new order, <see cref="TryPriceLocallyAsync"/> lets the saga store the price with the
/// order's first write.
/// </summary>
public sealed class CachedCatalogPricer(
    InventoryCatalogConsumer feed,
    CatalogCacheStore cache,
    InventoryCatalogPricer inventory,
    CatalogPricingMetrics metrics,
    ILogger<CachedCatalogPricer> logger) : ICatalogPricer
{
    public async Task<PricedOrder> PriceAsync(IReadOnlyList<RequestedLine> lines, bool screenStock, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var (cached, fallback) = await FindAllAsync(lines, cancellationToken);
        if (cached is null)
        {
            metrics.Fallback(fallback!);
            logger.LogDebug("Pricing through inventory: {Reason}", fallback);
            return await inventory.PriceAsync(lines, cancellationToken);
        }

        // Priced first, so a currency mismatch is reported before stock, as on the inventory path.
        var priced = OrderPricing.Price(lines, CatalogOf(cached));
        metrics.CacheHit();
        if (screenStock)
        {
            var shortages = ShortagesIn(lines, cached);
            if (shortages.Count > 0)
            {
                throw new OrderRejectedException(OrderErrors.InsufficientStock(shortages));
            }
        }

        return priced;
    }

    public async Task<PricedOrder?> TryPriceLocallyAsync(IReadOnlyList<RequestedLine> lines, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var (cached, _) = await FindAllAsync(lines, cancellationToken);
        if (cached is null || ShortagesIn(lines, cached).Count > 0)
        {
            return null;
        }

        try
        {
            // Counted by the saga, once the claim has stored it (a retry's price is dropped).
            return OrderPricing.Price(lines, CatalogOf(cached));
        }
        catch (OrderRejectedException)
        {
            // Mixed currencies: PriceAsync rejects it again on the saga's full path, which stores the rejection.
            return null;
        }
    }

    /// <summary>
    /// Every line's cached item, or null and the fallback reason (a metric tag) when the cache
    /// cannot answer for inventory: the feed is not live, or a sku is not cached (created a moment
    /// ago, or unknown: only inventory can tell which).
    /// </summary>
    private async Task<(IReadOnlyDictionary<string, CachedItem>? Items, string? Fallback)> FindAllAsync(
        IReadOnlyList<RequestedLine> lines, CancellationToken cancellationToken)
    {
        if (!feed.IsLive)
        {
            return (null, "feed_not_live");
        }

        var cached = await cache.FindAsync(lines.Select(line => line.Sku).ToList(), cancellationToken);
        return cached.Count < lines.Count ? (null, "sku_not_cached") : (cached, null);
    }

    private static Dictionary<string, CatalogItem> CatalogOf(IReadOnlyDictionary<string, CachedItem> cached) =>
        cached.ToDictionary(pair => pair.Key, pair => pair.Value.ToCatalogItem(), StringComparer.Ordinal);

    private static List<StockShortage> ShortagesIn(IReadOnlyList<RequestedLine> lines, IReadOnlyDictionary<string, CachedItem> cached) =>
        lines
            .Where(line => cached[line.Sku].Available < line.Quantity)
            .Select(line => new StockShortage(line.Sku, line.Quantity, cached[line.Sku].Available))
            .ToList();
}
