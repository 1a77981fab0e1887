namespace Mesh.Inventory.Domain;

/// <summary>
/// One change to one item, as the inventory feed announces it: the item right after the change
/// (so a consumer can keep a cache from changes alone), the reservation behind it, if any, and
/// the units it moved.
/// </summary>
/// <param name="ReservationId">The reservation a reservation change belongs to; empty otherwise.</param>
/// <param name="Quantity">An adjustment's delta, or the units reserved, committed, released or expired; 0 for item changes.</param>
public sealed record ItemChange(ItemChangeKind Kind, ItemRecord Item, string ReservationId = "", long Quantity = 0)
{
    /// <summary>The change a reservation leaving HELD for <paramref name="next"/> makes to each of its items.</summary>
    public static ItemChangeKind LeavingHeld(ReservationStatus next) => next switch
    {
        ReservationStatus.Committed => ItemChangeKind.ReservationCommitted,
        ReservationStatus.Released => ItemChangeKind.ReservationReleased,
        ReservationStatus.Expired => ItemChangeKind.ReservationExpired,
        _ => throw new ArgumentOutOfRangeException(nameof(next), next, "a reservation only leaves HELD for COMMITTED, RELEASED or EXPIRED"),
    };
}
