using Mesh.Orders.V1;

namespace Mesh.Orders.Tests.Support;

/// <summary>Request builders with fresh idempotency keys.</summary>
public static class Requests
{
    public static PlaceOrderRequest Place(string userId, params (string Sku, long Quantity)[] lines) =>
        new()
        {
            RequestId = Guid.NewGuid().ToString(),
            UserId = userId,
            Lines = { lines.Select(line => new PlaceOrderLine { Sku = line.Sku, Quantity = line.Quantity }) },
        };
}
