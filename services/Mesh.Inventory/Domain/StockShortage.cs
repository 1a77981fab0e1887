namespace Mesh.Inventory.Domain;

/// <summary>A sku that cannot give the units asked of it.</summary>
public sealed record StockShortage(string Sku, long Requested, long Available);
