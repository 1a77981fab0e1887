using Mesh.Inventory.V1;
using Mesh.ServiceDefaults.Validation;

namespace Mesh.Inventory.Api.Validators;

public sealed class ReleaseReservationRequestValidator : IRequestValidator<ReleaseReservationRequest>
{
    public void Validate(ReleaseReservationRequest request, FieldErrors errors)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(errors);
        InventoryFieldRules.ReservationId(errors, "reservation_id", request.ReservationId);
    }
}
