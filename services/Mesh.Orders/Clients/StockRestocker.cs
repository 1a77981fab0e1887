using Grpc.Core;
using Mesh.Inventory.V1;
using Mesh.Orders.Domain;

namespace Mesh.Orders.Clients;

/// <summary>
/// Gives a cancelled order's stock back to inventory, one AdjustStock per line. Each carries a
/// request_id derived from the order and sku, so a retry after a partial failure repeats them
/// without adding stock twice.
/// </summary>
public sealed class StockRestocker(InventoryService.InventoryServiceClient inventory)
{
    public async Task RestockAsync(string orderId, OrderLineRecord line, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(line);
        var request = new AdjustStockRequest
        {
            RequestId = NameBasedUuid.ForCancelledLine(orderId, line.Sku),
            Sku = line.Sku,
            Delta = line.Quantity,
            Reason = $"order {orderId} cancelled",
        };
        try
        {
            await inventory.AdjustStockAsync(request, cancellationToken: cancellationToken);
        }
        catch (RpcException exception)
        {
            throw DependencyFailures.Translate(exception, "inventory", "AdjustStock");
        }
    }
}
