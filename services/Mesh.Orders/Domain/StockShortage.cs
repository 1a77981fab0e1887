namespace Mesh.Orders.Domain;

/// <summary>A line asking for more units of a sku than the catalog cache shows available.</summary>
public sealed record StockShortage(string Sku, long Requested, long Available);
