namespace Mesh.Orders.Domain;

/// <summary>
/// The PENDING order a PlaceOrder request claims its request_id with; priced already when the
/// saga could price it before the claim (<see cref="Priced"/>, its lines in the order of <see cref="Lines"/>).
/// </summary>
public sealed record NewOrder(
    string OrderId,
    string RequestId,
    string RequestHash,
    string UserId,
    IReadOnlyList<RequestedLine> Lines,
    DateTimeOffset Now,
    PricedOrder? Priced = null);
