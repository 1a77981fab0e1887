namespace Mesh.Orders.Domain;

/// <summary>
/// A stored order line. Name and prices are null until the order is priced (a request rejected
/// before pricing keeps what was asked for, but no prices).
/// </summary>
public sealed record OrderLineRecord(string Sku, long Quantity, string? Name, long? UnitPriceMinor, long? LineTotalMinor);
