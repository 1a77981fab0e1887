using Mesh.ServiceDefaults.Validation;
using Mesh.Users.V1;

namespace Mesh.Users.Api.Validators;

public sealed class DeactivateUserRequestValidator : IRequestValidator<DeactivateUserRequest>
{
    public void Validate(DeactivateUserRequest request, FieldErrors errors)
    {
        ArgumentNullException.ThrowIfNull(request);
        FieldRules.Uuid(errors, "user_id", request.UserId);
    }
}
