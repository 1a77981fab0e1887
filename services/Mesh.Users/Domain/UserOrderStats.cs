namespace Mesh.Users.Domain;

/// <summary>
/// What a user's orders add up to, as kept from the orders event log: confirmed, cancelled and
/// rejected orders, net spend per currency (sorted by code), and the order event sequence the
/// figures include, up to and including.
/// </summary>
public sealed record UserOrderStats(
    long OrdersPlaced,
    long OrdersCancelled,
    long OrdersRejected,
    IReadOnlyList<CurrencyAmount> LifetimeSpend,
    long ThroughSequence);
