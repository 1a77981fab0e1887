namespace Mesh.Inventory.Domain;

/// <summary>How stock may change: nothing ever takes more than is available.</summary>
public static class StockRules
{
    /// <summary>
    /// The shortage when a negative <paramref name="delta"/> would remove more units than are
    /// available (reserved units are spoken for), else null.
    /// </summary>
    public static StockShortage? RemovalShortage(ItemRecord item, long delta)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (delta >= 0)
        {
            return null;
        }

        var requested = checked(-delta);
        return requested > item.Available ? new StockShortage(item.Sku, requested, item.Available) : null;
    }

    /// <summary>Units on hand after adding <paramref name="delta"/>, or null when the result would not fit in 64 bits.</summary>
    public static long? OnHandAfter(long onHand, long delta)
    {
        if (delta > 0 && onHand > long.MaxValue - delta)
        {
            return null;
        }

        return checked(onHand + delta);
    }

    /// <summary>One shortage per line that asks for more than its item has available, in line order.</summary>
    public static IReadOnlyList<StockShortage> Shortages(
        IReadOnlyList<ReservationLineRecord> lines,
        IReadOnlyDictionary<string, ItemRecord> items)
    {
        ArgumentNullException.ThrowIfNull(lines);
        ArgumentNullException.ThrowIfNull(items);
        var shortages = new List<StockShortage>();
        foreach (var line in lines)
        {
            var item = items[line.Sku];
            if (line.Quantity > item.Available)
            {
                shortages.Add(new StockShortage(line.Sku, line.Quantity, item.Available));
            }
        }

        return shortages;
    }
}
