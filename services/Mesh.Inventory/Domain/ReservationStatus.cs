namespace Mesh.Inventory.Domain;

/// <summary>Where a reservation is in its lifecycle; only <see cref="Held"/> holds stock.</summary>
public enum ReservationStatus
{
    Held,
    Committed,
    Released,
    Expired,
}
