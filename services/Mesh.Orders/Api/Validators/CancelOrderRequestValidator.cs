using Mesh.Orders.Domain;
using Mesh.Orders.V1;
using Mesh.ServiceDefaults.Validation;

namespace Mesh.Orders.Api.Validators;

/// <summary>order_id is a UUID; reason is 0 to 200 characters of text.</summary>
public sealed class CancelOrderRequestValidator : IRequestValidator<CancelOrderRequest>
{
    public void Validate(CancelOrderRequest request, FieldErrors errors)
    {
        ArgumentNullException.ThrowIfNull(request);
        FieldRules.Uuid(errors, "order_id", request.OrderId);
        FieldRules.Text(errors, "reason", request.Reason, 0, OrderLimits.MaxCancelReasonLength);
    }
}
