using Mesh.ServiceDefaults.Validation;
using Mesh.Users.Domain;
using Mesh.Users.V1;

namespace Mesh.Users.Api.Validators;

public sealed class UpdateUserRequestValidator : IRequestValidator<UpdateUserRequest>
{
    private const string NothingToChange = "set at least one of email and display_name";

    public void Validate(UpdateUserRequest request, FieldErrors errors)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(errors);

        FieldRules.Uuid(errors, "user_id", request.UserId);
        if (!request.HasEmail && !request.HasDisplayName)
        {
            // Either field fixes the request, so both are named.
            errors.Add("email", NothingToChange).Add("display_name", NothingToChange);
            return;
        }

        if (request.HasEmail)
        {
            EmailAddress.Validate(errors, "email", request.Email);
        }

        if (request.HasDisplayName)
        {
            DisplayName.Validate(errors, "display_name", request.DisplayName);
        }
    }
}
