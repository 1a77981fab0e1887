namespace Mesh.Inventory.Domain;

/// <summary>An UpdateItem call, validated and normalised: null fields keep their stored value.</summary>
public sealed record ItemUpdate(string Sku, string? Name, string? CurrencyCode, long? UnitPriceMinor)
{
    /// <summary>The item with this update applied (times unchanged).</summary>
    public ItemRecord ApplyTo(ItemRecord item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return item with
        {
            Name = Name ?? item.Name,
            CurrencyCode = CurrencyCode ?? item.CurrencyCode,
            UnitPriceMinor = UnitPriceMinor ?? item.UnitPriceMinor,
        };
    }

    /// <summary>
    /// True when applying the update would change a stored value. Setting the values an item
    /// already has is a no-op, so it is not announced on the feed and does not touch update_time.
    /// </summary>
    public bool Changes(ItemRecord item) => ApplyTo(item) != item;
}
