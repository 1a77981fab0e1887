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
        if (!feed.IsLive)
        {
            metrics.Fallback("feed_not_live");
            logger.LogDebug("Pricing through inventory: the catalog feed is not live");
            return await inventory.PriceAsync(lines, screenStock, cancellationToken);
        }

        var cached = await cache.FindAsync(lines.Select(line => line.Sku).ToList(), cancellationToken);
        if (cached.Count < lines.Count)
        {
            // A sku created a moment ago, or unknown: only inventory can tell which.
            metrics.Fallback("sku_not_cached");
            logger.LogDebug("Pricing through inventory: {Missing} of {Lines} skus are not in the catalog cache", lines.Count - cached.Count, lines.Count);
            return await inventory.PriceAsync(lines, screenStock, cancellationToken);
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
        if (!feed.IsLive)
        {
            return null;
        }

        var cached = await cache.FindAsync(lines.Select(line => line.Sku).ToList(), cancellationToken);
        if (cached.Count < lines.Count || ShortagesIn(lines, cached).Count > 0)
        {
            return null;
        }

        PricedOrder priced;
        try
        {
            priced = OrderPricing.Price(lines, CatalogOf(cached));
        }
        catch (OrderRejectedException)
        {
            // Mixed currencies: PriceAsync rejects it again on the saga's full path, which stores the rejection.
            return null;
        }

        // Counted by the saga, once the claim has stored it (a retry's price is dropped).
        return priced;
    }

    private static Dictionary<string, CatalogItem> CatalogOf(IReadOnlyDictionary<string, CachedItem> cached) =>
        cached.ToDictionary(pair => pair.Key, pair => pair.Value.ToCatalogItem(), StringComparer.Ordinal);

    private static List<StockShortage> ShortagesIn(IReadOnlyList<RequestedLine> lines, IReadOnlyDictionary<string, CachedItem> cached) =>
        lines
            .Where(line => cached[line.Sku].Available < line.Quantity)
            .Select(line => new StockShortage(line.Sku, line.Quantity, cached[line.Sku].Available))
            .ToList();
}
