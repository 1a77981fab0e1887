using Mesh.Inventory.Domain;
using Mesh.ServiceDefaults.Validation;

namespace Mesh.Inventory.Api.Validators;

/// <summary>Field checks specific to inventory identifiers, on top of the shared <see cref="FieldRules"/>.</summary>
internal static class InventoryFieldRules
{
    /// <summary>A sku: 1 to 64 of A-Z, a-z, 0-9, ".", "_" and "-", starting with a letter or digit.</summary>
    public static bool Sku(FieldErrors errors, string field, string value) =>
        FieldRules.Identifier(errors, field, value, InventoryLimits.MaxSkuLength);

    /// <summary>A reservation id: like a sku, plus ":" (orders use "order:&lt;uuid&gt;").</summary>
    public static bool ReservationId(FieldErrors errors, string field, string value) =>
        FieldRules.Identifier(errors, field, value, InventoryLimits.MaxReservationIdLength, InventoryLimits.ReservationIdExtraChars);
}
