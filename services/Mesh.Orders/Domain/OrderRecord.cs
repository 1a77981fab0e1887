namespace Mesh.Orders.Domain;

/// <summary>
/// A stored order. <see cref="Rejection"/> is the google.rpc.Status a REJECTED order was refused
/// with, replayed to a retry with the same request_id so it gets the same answer.
/// </summary>
public sealed record OrderRecord(
    long Sequence,
    string OrderId,
    string RequestId,
    string RequestHash,
    string UserId,
    OrderStatus Status,
    IReadOnlyList<OrderLineRecord> Lines,
    string? CurrencyCode,
    long? TotalMinor,
    string Reason,
    Google.Rpc.Status? Rejection,
    DateTimeOffset CreateTime,
    DateTimeOffset UpdateTime);
