using Mesh.Orders.V1;
using Mesh.ServiceDefaults.Validation;

namespace Mesh.Orders.Api.Validators;

/// <summary>after_sequence and page_size not negative (a cursor beyond the head is OUT_OF_RANGE, checked against the log).</summary>
public sealed class ListOrderEventsRequestValidator : IRequestValidator<ListOrderEventsRequest>
{
    public void Validate(ListOrderEventsRequest request, FieldErrors errors)
    {
        ArgumentNullException.ThrowIfNull(request);
        FieldRules.Range(errors, "after_sequence", request.AfterSequence, 0, long.MaxValue);
        FieldRules.Range(errors, "page_size", request.PageSize, 0, int.MaxValue);
    }
}
