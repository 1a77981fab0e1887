using Mesh.Inventory.Domain;
using Mesh.Inventory.V1;
using Mesh.ServiceDefaults.Validation;

namespace Mesh.Inventory.Api.Validators;

public sealed class AdjustStockRequestValidator : IRequestValidator<AdjustStockRequest>
{
    public void Validate(AdjustStockRequest request, FieldErrors errors)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(errors);
        FieldRules.Uuid(errors, "request_id", request.RequestId);
        InventoryFieldRules.Sku(errors, "sku", request.Sku);
        if (request.Delta == 0)
        {
            errors.Add("delta", "must not be zero");
        }
        else
        {
            FieldRules.Range(errors, "delta", request.Delta, -InventoryLimits.MaxAdjustment, InventoryLimits.MaxAdjustment);
        }

        FieldRules.Text(errors, "reason", request.Reason, 1, InventoryLimits.MaxReasonLength);
    }
}
