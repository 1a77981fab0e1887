using Mesh.Inventory.Domain;
using Mesh.Inventory.V1;
using Mesh.ServiceDefaults.Validation;

namespace Mesh.Inventory.Api.Validators;

public sealed class CreateItemRequestValidator : IRequestValidator<CreateItemRequest>
{
    public void Validate(CreateItemRequest request, FieldErrors errors)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(errors);
        InventoryFieldRules.Sku(errors, "sku", request.Sku);
        FieldRules.Text(errors, "name", request.Name, 1, InventoryLimits.MaxNameLength);
        FieldRules.Price(errors, "unit_price", request.UnitPrice);
        FieldRules.Range(errors, "initial_quantity", request.InitialQuantity, 0, InventoryLimits.MaxInitialQuantity);
    }
}
