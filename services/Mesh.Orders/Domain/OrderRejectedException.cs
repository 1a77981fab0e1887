using Grpc.Core;

namespace Mesh.Orders.Domain;

/// <summary>
/// The order cannot be placed for a reason the caller must act on (unknown user or sku,
/// deactivated user, mixed currencies, insufficient stock). The saga stores
/// <see cref="Error"/> on the order and returns it, now and to every retry.
/// </summary>
public sealed class OrderRejectedException(RpcException error) : Exception(error.Status.Detail)
{
    public RpcException Error { get; } = error;
}
