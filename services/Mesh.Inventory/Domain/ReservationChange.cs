namespace Mesh.Inventory.Domain;

/// <summary>A reservation after a commit or release request, and the state it had before.</summary>
public sealed record ReservationChange(ReservationRecord Reservation, ReservationStatus PreviousStatus)
{
    /// <summary>True when this request moved the reservation out of HELD.</summary>
    public bool Changed => Reservation.Status != PreviousStatus;
}
