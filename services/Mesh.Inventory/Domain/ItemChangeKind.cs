namespace Mesh.Inventory.Domain;

/// <summary>What a stored change did to one item; each change is announced on the inventory feed.</summary>
public enum ItemChangeKind
{
    Created,
    Updated,
    StockAdjusted,
    StockReserved,
    ReservationCommitted,
    ReservationReleased,
    ReservationExpired,
}
