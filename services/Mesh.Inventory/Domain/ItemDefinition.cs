namespace Mesh.Inventory.Domain;

/// <summary>
/// The caller-chosen fields of a new item, already validated and normalised. A CreateItem retry
/// succeeds when it equals what the item was created with (stock moves and UpdateItem aside).
/// </summary>
public sealed record ItemDefinition(string Sku, string Name, string CurrencyCode, long UnitPriceMinor, long InitialQuantity);
