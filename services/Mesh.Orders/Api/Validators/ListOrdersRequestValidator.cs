using Mesh.Orders.V1;
using Mesh.ServiceDefaults.Validation;

namespace Mesh.Orders.Api.Validators;

/// <summary>user_id is a UUID; page size not negative (the token is checked against the user when decoded).</summary>
public sealed class ListOrdersRequestValidator : IRequestValidator<ListOrdersRequest>
{
    public void Validate(ListOrdersRequest request, FieldErrors errors)
    {
        ArgumentNullException.ThrowIfNull(request);
        FieldRules.Uuid(errors, "user_id", request.UserId);
        FieldRules.Page(errors, "page", request.Page);
    }
}
