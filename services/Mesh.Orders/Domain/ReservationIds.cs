namespace Mesh.Orders.Domain;

/// <summary>Inventory reservation ids: one per order, so every retry of the saga hits the same hold.</summary>
public static class ReservationIds
{
    public static string ForOrder(string orderId)
    {
        ArgumentException.ThrowIfNullOrEmpty(orderId);
        return "order:" + orderId;
    }
}
