namespace Mesh.Orders.Domain;

/// <summary>One sku and quantity as the caller asked for it.</summary>
public sealed record RequestedLine(string Sku, long Quantity);
