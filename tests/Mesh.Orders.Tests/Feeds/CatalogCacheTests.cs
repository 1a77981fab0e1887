using Google.Rpc;
using Grpc.Core;
using Mesh.Common.V1;
using Mesh.Inventory.V1;
using Mesh.Orders.Feeds;
using Mesh.Orders.Tests.Support;
using Mesh.Orders.V1;
using Mesh.ServiceDefaults.Feeds;
using Mesh.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Mesh.Orders.Tests.Feeds;

/// <summary>
/// PlaceOrder with the catalog cache that inventory's WatchInventory fills: priced and screened
/// without a call to inventory while the feed is live, through inventory when it is not or
/// does not know a sku, and never in place of the reservation.
/// </summary>
public sealed class CatalogCacheTests : IClassFixture<MeshFixture>
{
    private readonly OrdersMesh _mesh;

    public CatalogCacheTests(MeshFixture fixture)
    {
        _mesh = fixture.Mesh;
        _mesh.ClearFaults();
    }

    [Fact]
    public async Task PlaceOrder_FeedLiveAndSkuCached_PricedFromTheCacheWithoutBatchGetItems()
    {
        var user = await _mesh.CreateUserAsync();
        var sku = await _mesh.CreateItemAsync(quantity: 10, priceMinor: 725, name: "Cached pen");
        await _mesh.CachedItemAsync(sku);
        var lag = _mesh.OrdersHost.Services.GetRequiredService<FeedConsumerMetrics>().LagOf(InventoryCatalogConsumer.ConsumerName);
        var lookups = _mesh.InventoryFaults.Calls("BatchGetItems");

        var order = (await _mesh.Orders.PlaceOrderAsync(Requests.Place(user, (sku, 2)))).Order;

        Assert.Equal(0, lag);
        Assert.Equal(lookups, _mesh.InventoryFaults.Calls("BatchGetItems"));
        Assert.Equal(OrderState.Confirmed, order.State);
        var line = Assert.Single(order.Lines);
        Assert.Equal(("Cached pen", 725L, 1450L), (line.Name, line.UnitPrice.AmountMinor, line.LineTotal.AmountMinor));
        Assert.Equal(new Money { CurrencyCode = "USD", AmountMinor = 1450 }, order.Total);
        Assert.Equal((8, 0), await _mesh.StockAsync(sku));
    }

    [Fact]
    public async Task PlaceOrder_CachedStockShort_RejectedWithoutCallingInventory()
    {
        var user = await _mesh.CreateUserAsync();
        var plenty = await _mesh.CreateItemAsync(quantity: 50);
        var scarce = await _mesh.CreateItemAsync(quantity: 2);
        await _mesh.CachedItemAsync(plenty);
        await _mesh.CachedItemAsync(scarce, item => item.Available == 2);
        var lookups = _mesh.InventoryFaults.Calls("BatchGetItems");
        var reserves = _mesh.InventoryFaults.Calls("ReserveStock");

        var exception = await RpcAssert.FailsAsync(StatusCode.FailedPrecondition,
            () => _mesh.Orders.PlaceOrderAsync(Requests.Place(user, (plenty, 5), (scarce, 3))).ResponseAsync);

        Assert.Equal("INSUFFICIENT_STOCK", RpcAssert.Reason(exception));
        var violation = Assert.Single(exception.GetRpcStatus()!.GetDetail<PreconditionFailure>()!.Violations);
        Assert.Equal(("STOCK", "sku:" + scarce, "requested 3, available 2"), (violation.Type, violation.Subject, violation.Description));
        Assert.Equal(lookups, _mesh.InventoryFaults.Calls("BatchGetItems"));
        Assert.Equal(reserves, _mesh.InventoryFaults.Calls("ReserveStock"));
        Assert.Equal(OrderState.Rejected, Assert.Single(await _mesh.OrdersOfAsync(user)).State);
        Assert.Equal((2, 0), await _mesh.StockAsync(scarce));
    }

    [Fact]
    public async Task PlaceOrder_AfterUpdateItemChangedThePrice_NextOrderUsesTheNewPriceFromTheCache()
    {
        var user = await _mesh.CreateUserAsync();
        var sku = await _mesh.CreateItemAsync(quantity: 10, priceMinor: 100);
        await _mesh.CachedItemAsync(sku);

        await _mesh.Inventory.UpdateItemAsync(new UpdateItemRequest { Sku = sku, UnitPrice = new Money { CurrencyCode = "USD", AmountMinor = 175 } });
        await _mesh.CachedItemAsync(sku, item => item.UnitPriceMinor == 175);
        var lookups = _mesh.InventoryFaults.Calls("BatchGetItems");
        var order = (await _mesh.Orders.PlaceOrderAsync(Requests.Place(user, (sku, 2)))).Order;

        Assert.Equal(175, Assert.Single(order.Lines).UnitPrice.AmountMinor);
        Assert.Equal(350, order.Total.AmountMinor);
        Assert.Equal(lookups, _mesh.InventoryFaults.Calls("BatchGetItems"));
    }

    [Fact]
    public async Task PlaceOrder_FeedDown_PricedThroughBatchGetItemsThenCacheResumesFromItsCursor()
    {
        var user = await _mesh.CreateUserAsync();
        var sku = await _mesh.CreateItemAsync(quantity: 10, priceMinor: 400);
        await _mesh.CachedItemAsync(sku);
        await _mesh.CutInventoryFeedAsync();
        var watchesBefore = _mesh.InventoryFeed.Requests.Count;
        var lookups = _mesh.InventoryFaults.Calls("BatchGetItems");
        var snapshots = _mesh.InventoryFaults.Calls("ListItems");

        var order = (await _mesh.Orders.PlaceOrderAsync(Requests.Place(user, (sku, 3)))).Order;
        _mesh.InventoryFeed.Restore();
        await _mesh.CachedItemAsync(sku, item => item.Available == 7);

        Assert.Equal(OrderState.Confirmed, order.State);
        Assert.Equal(1200, order.Total.AmountMinor);
        Assert.Equal(lookups + 1, _mesh.InventoryFaults.Calls("BatchGetItems"));
        // Back on the feed it resumed after its stored cursor instead of taking a new snapshot.
        Assert.Equal(snapshots, _mesh.InventoryFaults.Calls("ListItems"));
        var resumed = _mesh.InventoryFeed.Requests[^1];
        Assert.True(_mesh.InventoryFeed.Requests.Count > watchesBefore);
        Assert.False(resumed.StartAtHead);
        Assert.True(resumed.AfterSequence > 0, $"resumed after {resumed.AfterSequence}");
    }

    [Fact]
    public async Task PlaceOrder_SkuNotInTheCache_AskedInventoryWhichSaysNotFound()
    {
        var user = await _mesh.CreateUserAsync();
        var known = await _mesh.CreateItemAsync(quantity: 10);
        await _mesh.CachedItemAsync(known);
        var lookups = _mesh.InventoryFaults.Calls("BatchGetItems");
        var unknown = "no-such-sku-" + Guid.NewGuid().ToString("N")[..8];

        var exception = await RpcAssert.FailsAsync(StatusCode.NotFound,
            () => _mesh.Orders.PlaceOrderAsync(Requests.Place(user, (known, 1), (unknown, 1))).ResponseAsync);

        Assert.Equal(lookups + 1, _mesh.InventoryFaults.Calls("BatchGetItems"));
        Assert.Equal("lines[1].sku", Assert.Single(exception.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations).Field);
    }

    [Fact]
    public async Task PlaceOrder_CacheShowsStockButReservationRefuses_ReservationDecides()
    {
        var user = await _mesh.CreateUserAsync();
        var sku = await _mesh.CreateItemAsync(quantity: 10);
        await _mesh.CachedItemAsync(sku);
        // Someone else took the stock a moment ago and the cache has not heard yet.
        _mesh.InventoryFaults.FailBefore("ReserveStock", StatusCode.FailedPrecondition);
        var reserves = _mesh.InventoryFaults.Calls("ReserveStock");

        var exception = await RpcAssert.FailsAsync(StatusCode.FailedPrecondition,
            () => _mesh.Orders.PlaceOrderAsync(Requests.Place(user, (sku, 4))).ResponseAsync);

        Assert.Equal("INSUFFICIENT_STOCK", RpcAssert.Reason(exception));
        Assert.Equal(reserves + 1, _mesh.InventoryFaults.Calls("ReserveStock"));
        Assert.Equal(OrderState.Rejected, Assert.Single(await _mesh.OrdersOfAsync(user)).State);
    }

    [Fact]
    public async Task PlaceOrder_RetryWhileItsOwnHoldTookTheLastUnits_ConfirmsInsteadOfRejectingFromTheCache()
    {
        var user = await _mesh.CreateUserAsync();
        var sku = await _mesh.CreateItemAsync(quantity: 3);
        await _mesh.CachedItemAsync(sku);
        var request = Requests.Place(user, (sku, 3));
        _mesh.InventoryFaults.FailAfter("ReserveStock", StatusCode.Unavailable);
        await RpcAssert.FailsAsync(StatusCode.Unavailable, () => _mesh.Orders.PlaceOrderAsync(request).ResponseAsync);
        _mesh.ClearFaults();

        // The cache now shows the units as gone, but they are gone into this order's own hold.
        await _mesh.CachedItemAsync(sku, item => item.Available == 0);
        var order = (await _mesh.Orders.PlaceOrderAsync(request)).Order;

        Assert.Equal(OrderState.Confirmed, order.State);
        Assert.Equal((0, 0), await _mesh.StockAsync(sku));
    }
}
