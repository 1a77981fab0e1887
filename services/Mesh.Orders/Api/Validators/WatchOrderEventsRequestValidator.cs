using Mesh.Orders.V1;
using Mesh.ServiceDefaults.Validation;

namespace Mesh.Orders.Api.Validators;

/// <summary>after_sequence not negative; user_id empty (every user) or a UUID.</summary>
public sealed class WatchOrderEventsRequestValidator : IRequestValidator<WatchOrderEventsRequest>
{
    public void Validate(WatchOrderEventsRequest request, FieldErrors errors)
    {
        ArgumentNullException.ThrowIfNull(request);
        FieldRules.Range(errors, "after_sequence", request.AfterSequence, 0, long.MaxValue);
        if (request.UserId.Length > 0)
        {
            FieldRules.Uuid(errors, "user_id", request.UserId);
        }
    }
}
