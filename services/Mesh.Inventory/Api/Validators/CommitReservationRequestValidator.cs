using Mesh.Inventory.V1;
using Mesh.ServiceDefaults.Validation;

namespace Mesh.Inventory.Api.Validators;

public sealed class CommitReservationRequestValidator : IRequestValidator<CommitReservationRequest>
{
    public void Validate(CommitReservationRequest request, FieldErrors errors)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(errors);
        InventoryFieldRules.ReservationId(errors, "reservation_id", request.ReservationId);
    }
}
