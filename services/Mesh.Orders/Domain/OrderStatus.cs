namespace Mesh.Orders.Domain;

/// <summary>Lifecycle of an order: PENDING moves once to CONFIRMED or REJECTED; CONFIRMED may move to CANCELLED.</summary>
public enum OrderStatus
{
    Pending,
    Confirmed,
    Cancelled,
    Rejected,
}
