using Mesh.Inventory.Domain;
using Mesh.Inventory.V1;
using Mesh.ServiceDefaults.Validation;

namespace Mesh.Inventory.Api.Validators;

/// <summary>
/// Checks the cursor's sign and the sku filter's shape. Whether the cursor is within the feed
/// (not beyond its head, not older than retention) is checked against the log when the stream
/// starts; a sku that does not exist yet is a valid filter.
/// </summary>
public sealed class WatchInventoryRequestValidator : IRequestValidator<WatchInventoryRequest>
{
    public void Validate(WatchInventoryRequest request, FieldErrors errors)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(errors);
        if (request.AfterSequence < 0)
        {
            errors.Add("after_sequence", "must not be negative: 0 for the whole retained history, or the last sequence received");
        }

        FieldRules.DistinctCount(errors, "skus", request.Skus, sku => sku, 0, InventoryLimits.MaxWatchSkus);
        if (request.Skus.Count > InventoryLimits.MaxWatchSkus)
        {
            // One violation for the count is enough; listing every entry of a huge list helps no one.
            return;
        }

        for (var index = 0; index < request.Skus.Count; index++)
        {
            InventoryFieldRules.Sku(errors, $"skus[{index}]", request.Skus[index]);
        }
    }
}
