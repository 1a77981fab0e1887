using Mesh.Inventory.Domain;
using Mesh.Inventory.V1;
using Mesh.ServiceDefaults.Validation;

namespace Mesh.Inventory.Api.Validators;

public sealed class ReserveStockRequestValidator : IRequestValidator<ReserveStockRequest>
{
    public void Validate(ReserveStockRequest request, FieldErrors errors)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(errors);
        InventoryFieldRules.ReservationId(errors, "reservation_id", request.ReservationId);
        FieldRules.DistinctCount(errors, "lines", request.Lines, line => line.Sku, 1, InventoryLimits.MaxReservationLines);
        if (request.Lines.Count <= InventoryLimits.MaxReservationLines)
        {
            for (var index = 0; index < request.Lines.Count; index++)
            {
                var line = request.Lines[index];
                InventoryFieldRules.Sku(errors, $"lines[{index}].sku", line.Sku);
                FieldRules.Range(errors, $"lines[{index}].quantity", line.Quantity, 1, InventoryLimits.MaxLineQuantity);
            }
        }

        if (request.Ttl is not null && request.Commit)
        {
            errors.Add("ttl", "must be unset when commit is true: a committed reservation holds nothing");
        }
        else if (request.Ttl is { } ttl && !ReservationTtl.IsWithinBounds(ttl.Seconds, ttl.Nanos))
        {
            errors.Add("ttl", "must be 1 second to 15 minutes (normalised: nanos 0 to 999,999,999), or unset for 5 minutes");
        }
    }
}
