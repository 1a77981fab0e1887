namespace Mesh.Orders.Domain;

/// <summary>
/// A catalog item as orders' local cache knows it: written from the inventory event (or the
/// snapshot taken at feed head) numbered <paramref name="Sequence"/>.
/// </summary>
public sealed record CachedItem(
    string Sku,
    string Name,
    string CurrencyCode,
    long UnitPriceMinor,
    long Available,
    long Reserved,
    long Sequence)
{
    public CatalogItem ToCatalogItem() => new(Sku, Name, CurrencyCode, UnitPriceMinor);
}
