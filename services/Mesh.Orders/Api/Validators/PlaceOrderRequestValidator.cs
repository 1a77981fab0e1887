using Mesh.Orders.Domain;
using Mesh.Orders.V1;
using Mesh.ServiceDefaults.Validation;

namespace Mesh.Orders.Api.Validators;

/// <summary>request_id and user_id UUIDs; 1 to 50 lines with distinct skus; each sku an identifier, each quantity 1 to 10,000.</summary>
public sealed class PlaceOrderRequestValidator : IRequestValidator<PlaceOrderRequest>
{
    public void Validate(PlaceOrderRequest request, FieldErrors errors)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(errors);

        FieldRules.Uuid(errors, "request_id", request.RequestId);
        FieldRules.Uuid(errors, "user_id", request.UserId);
        FieldRules.DistinctCount(errors, "lines", request.Lines, line => line.Sku, 1, OrderLimits.MaxLines);

        // Lines are checked one by one only when their number is sane, so an oversized list
        // yields one violation instead of thousands.
        if (request.Lines.Count > OrderLimits.MaxLines)
        {
            return;
        }

        for (var i = 0; i < request.Lines.Count; i++)
        {
            var line = request.Lines[i];
            FieldRules.Identifier(errors, $"lines[{i}].sku", line.Sku, OrderLimits.MaxSkuLength);
            FieldRules.Range(errors, $"lines[{i}].quantity", line.Quantity, 1, OrderLimits.MaxQuantity);
        }
    }
}
