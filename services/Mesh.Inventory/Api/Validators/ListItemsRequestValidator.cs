using Mesh.Inventory.V1;
using Mesh.ServiceDefaults.Validation;

namespace Mesh.Inventory.Api.Validators;

/// <summary>Checks the page size; the page token is checked when it is decoded.</summary>
public sealed class ListItemsRequestValidator : IRequestValidator<ListItemsRequest>
{
    public void Validate(ListItemsRequest request, FieldErrors errors)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(errors);
        FieldRules.Page(errors, "page", request.Page);
    }
}
