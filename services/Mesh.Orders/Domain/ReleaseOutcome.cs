namespace Mesh.Orders.Domain;

/// <summary>What became of an order's reservation when orders tried to release it.</summary>
public enum ReleaseOutcome
{
    /// <summary>Released now or earlier, or expired: no stock is held.</summary>
    Released,

    /// <summary>Inventory has no such reservation: stock was never held.</summary>
    NothingHeld,

    /// <summary>The reservation was committed: the stock is sold and the order is placed.</summary>
    AlreadyCommitted,

    /// <summary>Inventory could not be asked; the reservation's TTL returns any held stock.</summary>
    Failed,
}
