using Grpc.Core;
using Mesh.Inventory.V1;
using Mesh.Orders.Domain;

namespace Mesh.Orders.Clients;

/// <summary>
/// Prices lines with one inventory BatchGetItems call, for <see cref="CachedCatalogPricer"/> when
/// its cache cannot answer; stock is left to the reservation.
/// </summary>
public sealed class InventoryCatalogPricer(InventoryService.InventoryServiceClient inventory)
{
    public async Task<PricedOrder> PriceAsync(IReadOnlyList<RequestedLine> lines, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var request = new BatchGetItemsRequest { Skus = { lines.Select(line => line.Sku) } };
        BatchGetItemsResponse response;
        try
        {
            response = await inventory.BatchGetItemsAsync(request, cancellationToken: cancellationToken);
        }
        catch (RpcException exception)
        {
            throw DependencyFailures.Translate(exception, "inventory", "BatchGetItems");
        }

        var catalog = response.Items.ToDictionary(item => item.Sku, ToCatalogItem, StringComparer.Ordinal);
        return OrderPricing.Price(lines, catalog);
    }

    private static CatalogItem ToCatalogItem(Item item)
    {
        var price = item.UnitPrice ?? throw new InvalidOperationException($"inventory returned item '{item.Sku}' without a unit price");
        return new CatalogItem(item.Sku, item.Name, price.CurrencyCode, price.AmountMinor);
    }
}
