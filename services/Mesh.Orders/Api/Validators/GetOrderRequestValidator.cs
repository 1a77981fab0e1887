using Mesh.Orders.V1;
using Mesh.ServiceDefaults.Validation;

namespace Mesh.Orders.Api.Validators;

/// <summary>order_id is a UUID.</summary>
public sealed class GetOrderRequestValidator : IRequestValidator<GetOrderRequest>
{
    public void Validate(GetOrderRequest request, FieldErrors errors)
    {
        ArgumentNullException.ThrowIfNull(request);
        FieldRules.Uuid(errors, "order_id", request.OrderId);
    }
}
