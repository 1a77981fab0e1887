namespace Mesh.Orders.Domain;

/// <summary>What pricing needs to know about one catalog item.</summary>
public sealed record CatalogItem(string Sku, string Name, string CurrencyCode, long UnitPriceMinor);
