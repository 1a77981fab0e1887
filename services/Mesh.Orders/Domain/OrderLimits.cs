namespace Mesh.Orders.Domain;

/// <summary>Input limits from mesh.orders.v1 (PlaceOrderRequest, PlaceOrderLine, CancelOrderRequest).</summary>
public static class OrderLimits
{
    public const int MaxLines = 50;
    public const int MaxSkuLength = 64;
    public const long MaxQuantity = 10_000;
    public const int MaxCancelReasonLength = 200;
}
