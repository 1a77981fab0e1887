using Mesh.Inventory.Domain;
using Mesh.Inventory.V1;
using Mesh.ServiceDefaults.Validation;

namespace Mesh.Inventory.Api.Validators;

/// <summary>Unset fields keep their value, but a request that sets neither has nothing to do and is refused.</summary>
public sealed class UpdateItemRequestValidator : IRequestValidator<UpdateItemRequest>
{
    public void Validate(UpdateItemRequest request, FieldErrors errors)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(errors);
        InventoryFieldRules.Sku(errors, "sku", request.Sku);
        if (!request.HasName && request.UnitPrice is null)
        {
            errors.Add("name", "set name, unit_price or both; an update that sets neither changes nothing");
            errors.Add("unit_price", "set name, unit_price or both; an update that sets neither changes nothing");
            return;
        }

        if (request.HasName)
        {
            FieldRules.Text(errors, "name", request.Name, 1, InventoryLimits.MaxNameLength);
        }

        if (request.UnitPrice is not null)
        {
            FieldRules.Price(errors, "unit_price", request.UnitPrice);
        }
    }
}
