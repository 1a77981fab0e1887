using System.Globalization;
using Mesh.ServiceDefaults.Validation;
using Mesh.Users.V1;

namespace Mesh.Users.Api.Validators;

public sealed class BatchGetUsersRequestValidator : IRequestValidator<BatchGetUsersRequest>
{
    public const int MaxUserIds = 100;

    public void Validate(BatchGetUsersRequest request, FieldErrors errors)
    {
        ArgumentNullException.ThrowIfNull(request);

        // Ids differing only in case name the same user, so they count as duplicates.
        if (!FieldRules.DistinctCount(errors, "user_ids", request.UserIds, UserIds.Canonical, 1, MaxUserIds))
        {
            return;
        }

        for (var index = 0; index < request.UserIds.Count; index++)
        {
            FieldRules.Uuid(errors, string.Create(CultureInfo.InvariantCulture, $"user_ids[{index}]"), request.UserIds[index]);
        }
    }
}
