using Mesh.ServiceDefaults.Validation;
using Mesh.Users.Domain;
using Mesh.Users.V1;

namespace Mesh.Users.Api.Validators;

public sealed class CreateUserRequestValidator : IRequestValidator<CreateUserRequest>
{
    public void Validate(CreateUserRequest request, FieldErrors errors)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(errors);

        FieldRules.Uuid(errors, "request_id", request.RequestId);
        EmailAddress.Validate(errors, "email", request.Email);
        DisplayName.Validate(errors, "display_name", request.DisplayName);
    }
}
