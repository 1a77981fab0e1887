namespace Mesh.Inventory.Domain;

/// <summary>What CreateItem did with a sku.</summary>
public abstract record CreateItemOutcome
{
    private CreateItemOutcome()
    {
    }

    /// <summary>The item was created now.</summary>
    public sealed record Created(ItemRecord Item) : CreateItemOutcome;

    /// <summary>The item already existed with identical fields: a retry; nothing changed.</summary>
    public sealed record AlreadyCreated(ItemRecord Item) : CreateItemOutcome;

    /// <summary>The sku is taken by an item with different fields; nothing changed.</summary>
    public sealed record Conflict(ItemRecord Existing) : CreateItemOutcome;
}
