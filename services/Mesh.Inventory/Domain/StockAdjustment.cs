namespace Mesh.Inventory.Domain;

/// <summary>One AdjustStock call, validated and normalised; stored once per request id.</summary>
/// <param name="RequestId">Canonical (lower-case) UUID, so the same key in another case is the same key.</param>
public sealed record StockAdjustment(string RequestId, string Sku, long Delta, string Reason)
{
    /// <summary>True when <paramref name="other"/> asks for exactly the same change (a retry).</summary>
    public bool SameRequestAs(StockAdjustment other) =>
        string.Equals(RequestId, other.RequestId, StringComparison.Ordinal)
        && string.Equals(Sku, other.Sku, StringComparison.Ordinal)
        && Delta == other.Delta
        && string.Equals(Reason, other.Reason, StringComparison.Ordinal);
}
