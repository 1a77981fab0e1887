namespace Mesh.Inventory.Domain;

/// <summary>One sku and the units a reservation holds of it.</summary>
public sealed record ReservationLineRecord(string Sku, long Quantity);
