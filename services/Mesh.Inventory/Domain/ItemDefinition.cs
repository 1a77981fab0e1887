namespace Mesh.Inventory.Domain;

/// <summary>The caller-chosen fields of a new item, already validated and normalised.</summary>
public sealed record ItemDefinition(string Sku, string Name, string CurrencyCode, long UnitPriceMinor, long InitialQuantity)
{
    /// <summary>
    /// True when <paramref name="item"/> was created from these same fields, so a CreateItem
    /// retry returns it instead of failing. Current stock is not compared: it moves after creation.
    /// </summary>
    public bool Matches(ItemRecord item) =>
        string.Equals(Sku, item.Sku, StringComparison.Ordinal)
        && string.Equals(Name, item.Name, StringComparison.Ordinal)
        && string.Equals(CurrencyCode, item.CurrencyCode, StringComparison.Ordinal)
        && UnitPriceMinor == item.UnitPriceMinor
        && InitialQuantity == item.InitialQuantity;
}
