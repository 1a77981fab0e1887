using Mesh.Inventory.Domain;

namespace Mesh.Inventory.Storage;

/// <summary>One row of <c>items</c> as Dapper fills it (snake_case columns, PascalCase properties).</summary>
internal sealed class ItemRow
{
    /// <summary>The columns a SELECT lists to fill it.</summary>
    public const string Columns =
        "sku, name, currency_code, unit_price_minor, initial_quantity, on_hand, reserved, create_time_ms, update_time_ms";

    public string Sku { get; set; } = string.Empty;

    public string Name { get; set; } = string.Empty;

    public string CurrencyCode { get; set; } = string.Empty;

    public long UnitPriceMinor { get; set; }

    public long InitialQuantity { get; set; }

    public long OnHand { get; set; }

    public long Reserved { get; set; }

    public long CreateTimeMs { get; set; }

    public long UpdateTimeMs { get; set; }

    public ItemRecord ToRecord() => new(
        Sku, Name, CurrencyCode, UnitPriceMinor, InitialQuantity, OnHand, Reserved,
        InventoryRows.FromMs(CreateTimeMs), InventoryRows.FromMs(UpdateTimeMs));
}
