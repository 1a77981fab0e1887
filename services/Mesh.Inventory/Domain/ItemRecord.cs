namespace Mesh.Inventory.Domain;

/// <summary>A stored catalog item and its stock.</summary>
/// <param name="OnHand">Physical units not yet sold.</param>
/// <param name="Reserved">Units held by HELD reservations; never more than <paramref name="OnHand"/>.</param>
public sealed record ItemRecord(
    string Sku,
    string Name,
    string CurrencyCode,
    long UnitPriceMinor,
    long InitialQuantity,
    long OnHand,
    long Reserved,
    DateTimeOffset CreateTime,
    DateTimeOffset UpdateTime)
{
    /// <summary>Units that can be reserved now.</summary>
    public long Available => OnHand - Reserved;
}
