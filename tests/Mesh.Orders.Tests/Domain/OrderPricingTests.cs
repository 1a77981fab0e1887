using Google.Rpc;
using Grpc.Core;
using Mesh.Orders.Domain;
using Mesh.Testing;

namespace Mesh.Orders.Tests.Domain;

public sealed class OrderPricingTests
{
    private static readonly Dictionary<string, CatalogItem> Catalog = new(StringComparer.Ordinal)
    {
        ["pen"] = new CatalogItem("pen", "Pen", "USD", 250),
        ["pad"] = new CatalogItem("pad", "Pad", "USD", 1999),
        ["free"] = new CatalogItem("free", "Sticker", "USD", 0),
        ["euro"] = new CatalogItem("euro", "Croissant", "EUR", 120),
        ["gold"] = new CatalogItem("gold", "Gold bar", "USD", 100_000_000_000),
        ["Pen"] = new CatalogItem("Pen", "Capital pen", "USD", 7),
    };

    [Fact]
    public void Price_LinesInOneCurrency_LineTotalsAndSumInRequestOrder()
    {
        var priced = OrderPricing.Price([new("pad", 2), new("pen", 3), new("free", 9)], Catalog);

        Assert.Equal("USD", priced.CurrencyCode);
        Assert.Equal(
            [new PricedLine("pad", "Pad", 2, 1999, 3998), new PricedLine("pen", "Pen", 3, 250, 750), new PricedLine("free", "Sticker", 9, 0, 0)],
            priced.Lines);
        Assert.Equal(4748, priced.TotalMinor);
    }

    [Fact]
    public void Price_SkusDifferingOnlyInCase_AreDifferentItems()
    {
        var priced = OrderPricing.Price([new("Pen", 1), new("pen", 1)], Catalog);

        Assert.Equal(257, priced.TotalMinor);
    }

    [Fact]
    public void Price_LargestValidOrder_FitsWithoutOverflow()
    {
        var lines = Enumerable.Range(0, 50).Select(_ => new RequestedLine("gold", 10_000)).ToList();

        var priced = OrderPricing.Price(lines, Catalog);

        Assert.Equal(50L * 10_000 * 100_000_000_000, priced.TotalMinor);
    }

    [Fact]
    public void Price_TotalBeyondInt64_RejectedAsInvalidLinesInsteadOfWrapping()
    {
        var catalog = new Dictionary<string, CatalogItem>(StringComparer.Ordinal) { ["huge"] = new("huge", "Huge", "USD", long.MaxValue / 2) };

        var rejection = Assert.Throws<OrderRejectedException>(() => OrderPricing.Price([new("huge", 3)], catalog));

        Assert.Equal(StatusCode.InvalidArgument, rejection.Error.StatusCode);
        Assert.Equal("lines", Assert.Single(rejection.Error.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations).Field);
    }

    [Fact]
    public void Price_SumBeyondInt64_Rejected()
    {
        var catalog = new Dictionary<string, CatalogItem>(StringComparer.Ordinal)
        {
            ["a"] = new("a", "A", "USD", long.MaxValue - 10),
            ["b"] = new("b", "B", "USD", 11),
        };

        var rejection = Assert.Throws<OrderRejectedException>(() => OrderPricing.Price([new("a", 1), new("b", 1)], catalog));

        Assert.Equal(StatusCode.InvalidArgument, rejection.Error.StatusCode);
    }

    [Fact]
    public void Price_UnknownSku_NotFoundNamingFirstMissingLine()
    {
        var rejection = Assert.Throws<OrderRejectedException>(() => OrderPricing.Price([new("pen", 1), new("nope", 1), new("gone", 1)], Catalog));

        Assert.Equal(StatusCode.NotFound, rejection.Error.StatusCode);
        Assert.Equal("NOT_FOUND", RpcAssert.Reason(rejection.Error));
        Assert.Equal("lines[1].sku", Assert.Single(rejection.Error.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations).Field);
    }

    [Fact]
    public void Price_MixedCurrencies_FailedPreconditionNamingEachOddLine()
    {
        var rejection = Assert.Throws<OrderRejectedException>(() => OrderPricing.Price([new("euro", 1), new("pen", 1), new("euro", 2), new("pad", 1)], Catalog));

        Assert.Equal(StatusCode.FailedPrecondition, rejection.Error.StatusCode);
        Assert.Equal("CURRENCY_MISMATCH", RpcAssert.Reason(rejection.Error));
        Assert.Equal(
            ["lines[1].sku", "lines[3].sku"],
            rejection.Error.GetRpcStatus()!.GetDetail<PreconditionFailure>()!.Violations.Select(violation => violation.Subject));
    }

    [Fact]
    public void Price_NoLines_Throws()
    {
        Assert.Throws<ArgumentException>(() => OrderPricing.Price([], Catalog));
    }
}
