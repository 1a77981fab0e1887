using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Mesh.Orders.Clients;

/// <summary>
/// How orders were priced, as the counter <c>mesh.orders.catalog.pricings</c> tagged
/// <c>source</c> (<c>cache</c> or <c>inventory</c>) and <c>reason</c>: a cache that keeps
/// falling back is a feed that is down or behind. <c>cache</c>/<c>at_claim</c> counts new orders
/// priced before their claim and stored with it in one write (user and skus known locally).
/// </summary>
public sealed class CatalogPricingMetrics : IDisposable
{
    public const string MeterName = "Mesh.Orders";

    private readonly Meter _meter;
    private readonly Counter<long> _pricings;

    public CatalogPricingMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _meter = meterFactory.Create(MeterName);
        _pricings = _meter.CreateCounter<long>("mesh.orders.catalog.pricings", unit: "{order}",
            description: "Orders priced, by where the catalog came from: the local cache or a call to inventory.");
    }

    /// <summary>Priced from the cache with no call to inventory.</summary>
    public void CacheHit() => Count("cache", "hit");

    /// <summary>Priced from the cache before the claim, which stored the price with the new order.</summary>
    public void PricedAtClaim() => Count("cache", "at_claim");

    /// <summary>Priced by inventory because the cache could not answer; <paramref name="reason"/> says why.</summary>
    public void Fallback(string reason) => Count("inventory", reason);

    public void Dispose() => _meter.Dispose();

    private void Count(string source, string reason) =>
        _pricings.Add(1, new TagList { { "source", source }, { "reason", reason } });
}
