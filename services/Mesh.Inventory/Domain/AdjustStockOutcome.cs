namespace Mesh.Inventory.Domain;

/// <summary>What AdjustStock did; only <see cref="Applied"/> changed stored data.</summary>
public abstract record AdjustStockOutcome
{
    private AdjustStockOutcome()
    {
    }

    /// <summary>The adjustment was applied now.</summary>
    public sealed record Applied(ItemRecord Item) : AdjustStockOutcome;

    /// <summary>The same request was applied before; the item as it is now.</summary>
    public sealed record AlreadyApplied(ItemRecord Item) : AdjustStockOutcome;

    /// <summary>The request id was used for a different adjustment.</summary>
    public sealed record RequestIdReused : AdjustStockOutcome;

    /// <summary>No item has the sku.</summary>
    public sealed record ItemNotFound : AdjustStockOutcome;

    /// <summary>The removal would take more than is available.</summary>
    public sealed record Insufficient(StockShortage Shortage) : AdjustStockOutcome;

    /// <summary>The addition would push units on hand past what 64 bits can count.</summary>
    public sealed record TooMuchStock(ItemRecord Item) : AdjustStockOutcome;
}
