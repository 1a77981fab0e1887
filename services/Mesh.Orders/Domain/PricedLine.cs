namespace Mesh.Orders.Domain;

/// <summary>A line priced at the catalog price: line total = unit price × quantity.</summary>
public sealed record PricedLine(string Sku, string Name, long Quantity, long UnitPriceMinor, long LineTotalMinor);
