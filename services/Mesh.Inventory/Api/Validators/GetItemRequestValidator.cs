using Mesh.Inventory.V1;
using Mesh.ServiceDefaults.Validation;

namespace Mesh.Inventory.Api.Validators;

public sealed class GetItemRequestValidator : IRequestValidator<GetItemRequest>
{
    public void Validate(GetItemRequest request, FieldErrors errors)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(errors);
        InventoryFieldRules.Sku(errors, "sku", request.Sku);
    }
}
