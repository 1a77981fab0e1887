namespace Mesh.Orders.Domain;

/// <summary>A validated PlaceOrder request with canonical ids and its fingerprint.</summary>
public sealed record PlaceOrderCommand(string RequestId, string UserId, IReadOnlyList<RequestedLine> Lines, string RequestHash)
{
    public static PlaceOrderCommand Create(string requestId, string userId, IReadOnlyList<RequestedLine> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var user = CanonicalId.Of(userId);
        return new PlaceOrderCommand(CanonicalId.Of(requestId), user, lines, RequestFingerprint.Of(user, lines));
    }
}
