using Google.Rpc;
using Mesh.Common.V1;
using Mesh.ServiceDefaults.Errors;

namespace Mesh.Orders.Domain;

/// <summary>Prices requested lines against catalog items: one currency, checked integer arithmetic.</summary>
public static class OrderPricing
{
    /// <summary>
    /// Throws <see cref="OrderRejectedException"/> with NOT_FOUND naming <c>lines[i].sku</c> for
    /// the first unknown sku, FAILED_PRECONDITION (CURRENCY_MISMATCH) when the items are priced
    /// in different currencies, and INVALID_ARGUMENT on <c>lines</c> if the total would overflow.
    /// </summary>
    public static PricedOrder Price(IReadOnlyList<RequestedLine> lines, IReadOnlyDictionary<string, CatalogItem> catalog)
    {
        ArgumentNullException.ThrowIfNull(lines);
        ArgumentNullException.ThrowIfNull(catalog);
        if (lines.Count == 0)
        {
            throw new ArgumentException("An order has at least one line.", nameof(lines));
        }

        var items = new CatalogItem[lines.Count];
        for (var i = 0; i < lines.Count; i++)
        {
            if (!catalog.TryGetValue(lines[i].Sku, out var item))
            {
                throw new OrderRejectedException(MeshErrors.NotFound("item", lines[i].Sku, $"lines[{i}].sku"));
            }

            items[i] = item;
        }

        var currency = items[0].CurrencyCode;
        var mismatches = items
            .Select((item, index) => (item, index))
            .Where(pair => !string.Equals(pair.item.CurrencyCode, currency, StringComparison.Ordinal))
            .Select(pair => new PreconditionFailure.Types.Violation
            {
                Type = "CURRENCY",
                Subject = $"lines[{pair.index}].sku",
                Description = $"'{pair.item.Sku}' is priced in {pair.item.CurrencyCode}, but lines[0] ('{items[0].Sku}') in {currency}",
            })
            .ToList();
        if (mismatches.Count > 0)
        {
            throw new OrderRejectedException(MeshErrors.FailedPrecondition(
                ErrorReason.CurrencyMismatch,
                $"the items of one order must share a currency; {mismatches.Count} line(s) are not priced in {currency}",
                mismatches));
        }

        return PriceInOneCurrency(lines, items, currency);
    }

    private static PricedOrder PriceInOneCurrency(IReadOnlyList<RequestedLine> lines, CatalogItem[] items, string currency)
    {
        try
        {
            var priced = new PricedLine[lines.Count];
            long total = 0;
            for (var i = 0; i < lines.Count; i++)
            {
                var lineTotal = checked(items[i].UnitPriceMinor * lines[i].Quantity);
                total = checked(total + lineTotal);
                priced[i] = new PricedLine(lines[i].Sku, items[i].Name, lines[i].Quantity, items[i].UnitPriceMinor, lineTotal);
            }

            return new PricedOrder(currency, priced, total);
        }
        catch (OverflowException)
        {
            // Unreachable within the documented price and quantity limits; refuse rather than wrap around.
            throw new OrderRejectedException(MeshErrors.InvalidArgument("lines", "the order total is too large to represent; order fewer units"));
        }
    }
}
