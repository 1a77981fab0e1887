using Mesh.ServiceDefaults.Validation;
using Mesh.Users.V1;

namespace Mesh.Users.Api.Validators;

/// <summary>Checks the cursor's sign; whether it is beyond the head or expired is the feed's to say (OUT_OF_RANGE).</summary>
public sealed class WatchUsersRequestValidator : IRequestValidator<WatchUsersRequest>
{
    public void Validate(WatchUsersRequest request, FieldErrors errors)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(errors);

        if (request.AfterSequence < 0)
        {
            errors.Add("after_sequence", "must not be negative: 0 reads the whole retained history, the last sequence seen resumes");
        }
    }
}
