namespace Mesh.Inventory.Domain;

/// <summary>What UpdateItem did; only <see cref="Updated"/> changed stored data.</summary>
public abstract record UpdateItemOutcome
{
    private UpdateItemOutcome()
    {
    }

    /// <summary>The name or price changed now; the item after the change.</summary>
    public sealed record Updated(ItemRecord Item) : UpdateItemOutcome;

    /// <summary>The item already had these values; nothing changed.</summary>
    public sealed record Unchanged(ItemRecord Item) : UpdateItemOutcome;

    /// <summary>No item has the sku.</summary>
    public sealed record ItemNotFound : UpdateItemOutcome;
}
