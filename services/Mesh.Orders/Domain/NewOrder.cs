namespace Mesh.Orders.Domain;

/// <summary>The PENDING order a PlaceOrder request claims its request_id with.</summary>
public sealed record NewOrder(
    string OrderId,
    string RequestId,
    string RequestHash,
    string UserId,
    IReadOnlyList<RequestedLine> Lines,
    DateTimeOffset Now);
