namespace Mesh.Orders.Domain;

/// <summary>The order holding a request_id, and whether this call created it.</summary>
public sealed record OrderClaim(OrderRecord Order, bool Created);
