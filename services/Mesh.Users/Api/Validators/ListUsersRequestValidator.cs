using Mesh.ServiceDefaults.Validation;
using Mesh.Users.V1;

namespace Mesh.Users.Api.Validators;

/// <summary>Checks the page size; the token is checked when it is decoded (<see cref="UserPageTokens"/>).</summary>
public sealed class ListUsersRequestValidator : IRequestValidator<ListUsersRequest>
{
    public void Validate(ListUsersRequest request, FieldErrors errors)
    {
        ArgumentNullException.ThrowIfNull(request);
        FieldRules.Page(errors, "page", request.Page);
    }
}
