namespace Mesh.Inventory.Domain;

/// <summary>
/// The reservation state machine: HELD moves to COMMITTED, RELEASED or EXPIRED exactly once;
/// every other state is final. A hold whose TTL has run out is expired whenever it is touched,
/// even before the sweeper gets to it, so an expired hold is never committed.
/// </summary>
public static class ReservationLifecycle
{
    /// <summary>True once <paramref name="now"/> has reached the hold's expire time.</summary>
    public static bool IsDue(DateTimeOffset expireTime, DateTimeOffset now) => expireTime <= now;

    /// <summary>The state a commit request leaves the reservation in.</summary>
    public static ReservationStatus AfterCommit(ReservationRecord reservation, DateTimeOffset now) =>
        Resolve(reservation, now, ReservationStatus.Committed);

    /// <summary>The state a release request leaves the reservation in.</summary>
    public static ReservationStatus AfterRelease(ReservationRecord reservation, DateTimeOffset now) =>
        Resolve(reservation, now, ReservationStatus.Released);

    private static ReservationStatus Resolve(ReservationRecord reservation, DateTimeOffset now, ReservationStatus requested)
    {
        ArgumentNullException.ThrowIfNull(reservation);
        if (reservation.Status != ReservationStatus.Held)
        {
            return reservation.Status;
        }

        return IsDue(reservation.ExpireTime, now) ? ReservationStatus.Expired : requested;
    }
}
