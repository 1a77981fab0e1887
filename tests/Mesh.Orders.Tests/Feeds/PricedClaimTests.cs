using System.Diagnostics.Metrics;
using Grpc.Core;
using Mesh.Orders.Clients;
using Mesh.Orders.Tests.Support;
using Mesh.Orders.V1;
using Mesh.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Mesh.Orders.Tests.Feeds;

/// <summary>
/// A new order whose user orders already knows and whose items are in the catalog cache is
/// priced before its claim and stored with it (one write instead of two). Every other order
/// takes the full path, and every outcome a caller or a feed sees is the same either way.
/// </summary>
public sealed class PricedClaimTests : IClassFixture<MeshFixture>
{
    private readonly OrdersMesh _mesh;

    public PricedClaimTests(MeshFixture fixture)
    {
        _mesh = fixture.Mesh;
        _mesh.ClearFaults();
    }

    [Fact]
    public async Task PlaceOrder_UserKnownAndSkuCached_PricedAtTheClaimAndAnnouncedOnce()
    {
        var (user, sku) = await KnownUserAsync(priceMinor: 310);
        using var pricings = Pricings();
        var head = await _mesh.OrderEventHeadAsync();

        var order = (await _mesh.Orders.PlaceOrderAsync(Requests.Place(user, (sku, 3)))).Order;

        Assert.Equal(1, pricings.Total("reason", "at_claim"));
        Assert.Equal(0, pricings.Total("reason", "hit"));
        Assert.Equal((OrderState.Confirmed, 930L), (order.State, order.Total.AmountMinor));
        var line = Assert.Single(order.Lines);
        Assert.Equal((310L, 930L), (line.UnitPrice.AmountMinor, line.LineTotal.AmountMinor));
        var events = (await _mesh.OrderEventsAfterAsync(head)).Where(e => e.Order.OrderId == order.OrderId).ToList();
        Assert.Equal([OrderEventType.OrderPlaced, OrderEventType.OrderConfirmed], events.Select(e => e.Type));
        Assert.Equal(930, events[0].Order.Total.AmountMinor);
        Assert.Equal((97, 0), await _mesh.StockAsync(sku));
    }

    [Fact]
    public async Task PlaceOrder_FirstOrderOfAUser_PricedAfterTheClaimAsBefore()
    {
        var user = await _mesh.CreateUserAsync();
        var sku = await _mesh.CreateItemAsync(quantity: 100);
        await _mesh.CachedItemAsync(sku);
        await _mesh.UserDirectoryLiveAsync();
        using var pricings = Pricings();

        var order = (await _mesh.Orders.PlaceOrderAsync(Requests.Place(user, (sku, 1)))).Order;

        Assert.Equal(OrderState.Confirmed, order.State);
        Assert.Equal(0, pricings.Total("reason", "at_claim"));
        Assert.Equal(1, pricings.Total("reason", "hit"));
    }

    [Fact]
    public async Task PlaceOrder_RetryOfAnOrderPricedAtTheClaim_SameOrderAndStockSoldOnce()
    {
        var (user, sku) = await KnownUserAsync(priceMinor: 250);
        var request = Requests.Place(user, (sku, 2));
        using var pricings = Pricings();
        var reserves = _mesh.InventoryFaults.Calls("ReserveStock");

        var first = (await _mesh.Orders.PlaceOrderAsync(request)).Order;
        var retry = (await _mesh.Orders.PlaceOrderAsync(request)).Order;

        Assert.Equal(first, retry);
        Assert.Equal(1, pricings.Total("reason", "at_claim"));
        Assert.Equal(reserves + 1, _mesh.InventoryFaults.Calls("ReserveStock"));
        Assert.Equal((98, 0), await _mesh.StockAsync(sku));
    }

    [Fact]
    public async Task PlaceOrder_UserKnownButCachedStockShort_RejectedAndStoredWithoutASale()
    {
        var (user, sku) = await KnownUserAsync(priceMinor: 250);
        using var pricings = Pricings();
        var reserves = _mesh.InventoryFaults.Calls("ReserveStock");

        var exception = await RpcAssert.FailsAsync(StatusCode.FailedPrecondition,
            () => _mesh.Orders.PlaceOrderAsync(Requests.Place(user, (sku, 500))).ResponseAsync);

        Assert.Equal("INSUFFICIENT_STOCK", RpcAssert.Reason(exception));
        Assert.Equal(0, pricings.Total("reason", "at_claim"));
        Assert.Equal(reserves, _mesh.InventoryFaults.Calls("ReserveStock"));
        Assert.Equal(OrderState.Rejected, Assert.Single(await _mesh.OrdersOfAsync(user)).State);
        Assert.Equal((100, 0), await _mesh.StockAsync(sku));
    }

    [Fact]
    public async Task PlaceOrder_UserKnownButDeactivated_RejectedThroughTheFullPath()
    {
        var (user, sku) = await KnownUserAsync(priceMinor: 250);
        await _mesh.DeactivateUserAsync(user);
        using var pricings = Pricings();

        await Eventually.HoldsAsync(async () =>
        {
            var failure = await Assert.ThrowsAsync<RpcException>(() => _mesh.Orders.PlaceOrderAsync(Requests.Place(user, (sku, 1))).ResponseAsync);
            return failure.StatusCode == StatusCode.FailedPrecondition && RpcAssert.Reason(failure) == "USER_INACTIVE";
        }, "orders sees the deactivation", TimeSpan.FromSeconds(15));

        Assert.Equal(0, pricings.Total("reason", "at_claim"));
        Assert.Equal((100, 0), await _mesh.StockAsync(sku));
    }

    /// <summary>A user the users directory holds, and a cached sku with 100 units.</summary>
    private async Task<(string User, string Sku)> KnownUserAsync(long priceMinor)
    {
        var user = await _mesh.CreateUserAsync();
        var sku = await _mesh.CreateItemAsync(quantity: 100, priceMinor: priceMinor);
        await _mesh.CachedItemAsync(sku);
        await _mesh.UserDirectoryLiveAsync();
        await _mesh.UserKnownAsync(user);
        return (user, sku);
    }

    private MetricWatch Pricings() =>
        new(_mesh.OrdersHost.Services.GetRequiredService<IMeterFactory>(), CatalogPricingMetrics.MeterName, "mesh.orders.catalog.pricings");
}
