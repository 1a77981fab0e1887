using Mesh.Inventory.Domain;
using Mesh.Inventory.V1;
using Mesh.ServiceDefaults.Validation;

namespace Mesh.Inventory.Api.Validators;

public sealed class BatchGetItemsRequestValidator : IRequestValidator<BatchGetItemsRequest>
{
    public void Validate(BatchGetItemsRequest request, FieldErrors errors)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(errors);
        FieldRules.DistinctCount(errors, "skus", request.Skus, sku => sku, 1, InventoryLimits.MaxBatchSkus);
        if (request.Skus.Count > InventoryLimits.MaxBatchSkus)
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
