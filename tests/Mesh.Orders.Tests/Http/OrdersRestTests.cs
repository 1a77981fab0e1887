using System.Net;
using Google.Rpc;
using Mesh.Orders.Api;
using Mesh.Orders.Tests.Support;
using Mesh.Orders.V1;
using Mesh.Testing;
using Xunit;
using static Mesh.Testing.RestAssert;

namespace Mesh.Orders.Tests.Http;

/// <summary>
/// Every REST binding of OrderService, with orders on real Kestrel (its gRPC and HTTP listeners)
/// calling in-process users and inventory: the saga runs exactly as it does for a gRPC caller.
/// </summary>
public sealed class OrdersRestTests : IAsyncLifetime
{
    private readonly OrdersMesh _mesh = new();
    private KestrelService<OrderGrpcService> _orders = null!;
    private HttpClient _http = null!;

    public Task InitializeAsync()
    {
        _orders = KestrelService<OrderGrpcService>.Start(_mesh.OrdersHost);
        _http = _orders.CreateHttpClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _orders.DisposeAsync();
        _mesh.Dispose();
    }

    [Fact]
    public async Task PostOrders_PlacesAConfirmedOrder_AndARetryReturnsTheSameOrder()
    {
        var userId = await _mesh.CreateUserAsync();
        var sku = await _mesh.CreateItemAsync(quantity: 5, priceMinor: 1250);
        var body = $$"""{"requestId":"{{Guid.NewGuid()}}","userId":"{{userId}}","lines":[{"sku":"{{sku}}","quantity":2}]}""";

        var placed = await OkAsync<PlaceOrderResponse>(await _http.PostAsync("/v1/orders", Json(body)));
        var retried = await OkAsync<PlaceOrderResponse>(await _http.PostAsync("/v1/orders", Json(body)));

        Assert.Equal(OrderState.Confirmed, placed.Order.State);
        Assert.Equal(2500, placed.Order.Total.AmountMinor);
        Assert.Equal(placed.Order.OrderId, retried.Order.OrderId);
        Assert.Equal((3, 0), await _mesh.StockAsync(sku));
    }

    [Fact]
    public async Task PostOrders_MoreThanInStock_Is400FailedPreconditionNamingTheSku_AndHoldsNothing()
    {
        var userId = await _mesh.CreateUserAsync();
        var sku = await _mesh.CreateItemAsync(quantity: 1);

        var status = await FailsAsync(await _http.PostAsync("/v1/orders", Json(
            $$"""{"requestId":"{{Guid.NewGuid()}}","userId":"{{userId}}","lines":[{"sku":"{{sku}}","quantity":3}]}""")),
            HttpStatusCode.BadRequest, Code.FailedPrecondition);

        Assert.Equal("INSUFFICIENT_STOCK", Reason(status));
        Assert.Contains(status.GetDetail<PreconditionFailure>()!.Violations, violation => violation.Subject.Contains(sku, StringComparison.Ordinal));
        Assert.Equal((1, 0), await _mesh.StockAsync(sku));
    }

    [Fact]
    public async Task PostOrders_InvalidLines_Is400NamingEachLineField_AndStoresNothing()
    {
        var userId = await _mesh.CreateUserAsync();
        var before = _mesh.OrdersSnapshot();

        var badRequest = await InvalidFieldAsync(await _http.PostAsync("/v1/orders", Json(
            $$"""{"requestId":"{{Guid.NewGuid()}}","userId":"{{userId}}","lines":[{"sku":"ok-sku","quantity":0}]}""")), "lines[0].quantity");

        Assert.Single(badRequest.FieldViolations);
        Assert.Equal(before, _mesh.OrdersSnapshot());
    }

    [Fact]
    public async Task PostOrders_RequestIdReusedWithOtherLines_Is409()
    {
        var userId = await _mesh.CreateUserAsync();
        var sku = await _mesh.CreateItemAsync(quantity: 5);
        var requestId = Guid.NewGuid();
        await OkAsync<PlaceOrderResponse>(await _http.PostAsync("/v1/orders", Json(
            $$"""{"requestId":"{{requestId}}","userId":"{{userId}}","lines":[{"sku":"{{sku}}","quantity":1}]}""")));

        var status = await FailsAsync(await _http.PostAsync("/v1/orders", Json(
            $$"""{"requestId":"{{requestId}}","userId":"{{userId}}","lines":[{"sku":"{{sku}}","quantity":2}]}""")),
            HttpStatusCode.Conflict, Code.AlreadyExists);

        Assert.Equal("REQUEST_ID_REUSED", Reason(status));
        Assert.Equal((4, 0), await _mesh.StockAsync(sku));
    }

    [Fact]
    public async Task GetOrder_ReturnsThePlacedOrder()
    {
        var order = await PlaceAsync();

        var read = await OkAsync<GetOrderResponse>(await _http.GetAsync($"/v1/orders/{order.OrderId}"));

        Assert.Equal(order, read.Order);
    }

    [Fact]
    public async Task GetOrder_UnknownId_Is404_AndANonUuid_Is400NamingOrderId()
    {
        await FailsAsync(await _http.GetAsync($"/v1/orders/{Guid.NewGuid()}"), HttpStatusCode.NotFound, Code.NotFound);
        await InvalidFieldAsync(await _http.GetAsync("/v1/orders/12345"), "order_id");
    }

    [Fact]
    public async Task ListOrders_ByUserIdQuery_ReturnsThatUsersOrdersNewestFirst()
    {
        var first = await PlaceAsync();
        var second = await PlaceAsync(first.UserId);
        await PlaceAsync(); // someone else's

        var list = await OkAsync<ListOrdersResponse>(await _http.GetAsync($"/v1/orders?userId={first.UserId}"));

        Assert.Equal([second.OrderId, first.OrderId], list.Orders.Select(order => order.OrderId));
    }

    [Fact]
    public async Task ListOrders_WithoutUserId_Is400NamingIt()
    {
        await InvalidFieldAsync(await _http.GetAsync("/v1/orders"), "user_id");
    }

    [Fact]
    public async Task CancelOrder_WithAReason_CancelsAndReturnsTheStock()
    {
        var order = await PlaceAsync();
        var sku = order.Lines[0].Sku;

        var cancelled = await OkAsync<CancelOrderResponse>(await _http.PostAsync($"/v1/orders/{order.OrderId}:cancel", Json("""{"reason":"changed my mind"}""")));

        Assert.Equal(OrderState.Cancelled, cancelled.Order.State);
        Assert.Equal((5, 0), await _mesh.StockAsync(sku));
    }

    [Fact]
    public async Task CancelOrder_WithoutABody_Cancels()
    {
        var order = await PlaceAsync();

        var cancelled = await OkAsync<CancelOrderResponse>(await _http.PostAsync($"/v1/orders/{order.OrderId}:cancel", content: null));

        Assert.Equal(OrderState.Cancelled, cancelled.Order.State);
    }

    [Fact]
    public async Task CancelOrder_Unknown_Is404()
    {
        await FailsAsync(await _http.PostAsync($"/v1/orders/{Guid.NewGuid()}:cancel", content: null), HttpStatusCode.NotFound, Code.NotFound);
    }

    [Fact]
    public async Task ListOrderEvents_AfterSequence_ReturnsTheLogInOrder()
    {
        var head = await _mesh.OrderEventHeadAsync();
        var order = await PlaceAsync();

        var page = await OkAsync<ListOrderEventsResponse>(await _http.GetAsync($"/v1/order-events?afterSequence={head}"));

        Assert.Equal([OrderEventType.OrderPlaced, OrderEventType.OrderConfirmed], page.Events.Select(e => e.Type));
        Assert.All(page.Events, e => Assert.Equal(order.OrderId, e.Order.OrderId));
        Assert.Equal(page.Events[^1].Sequence, page.HeadSequence);
    }

    [Fact]
    public async Task ListOrderEvents_BeyondTheHead_Is400OutOfRange()
    {
        var status = await FailsAsync(await _http.GetAsync("/v1/order-events?afterSequence=999999"), HttpStatusCode.BadRequest, Code.OutOfRange);

        Assert.Equal("CURSOR_BEYOND_HEAD", Reason(status));
    }

    [Fact]
    public async Task WatchOrderEvents_AnOrderPlacedWhileTheRequestIsOpen_Arrives()
    {
        var userId = await _mesh.CreateUserAsync();
        var head = await _mesh.OrderEventHeadAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var response = await _http.GetAsync($"/v1/order-events:watch?afterSequence={head}&userId={userId}", HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token));
        Assert.Equal(WatchOrderEventsResponse.KindOneofCase.Heartbeat, Parse(await reader.ReadLineAsync(timeout.Token)).KindCase);

        var order = await PlaceAsync(userId);

        var placed = Parse(await reader.ReadLineAsync(timeout.Token));
        Assert.Equal(order.OrderId, placed.Event.Order.OrderId);
        Assert.Equal(OrderEventType.OrderPlaced, placed.Event.Type);
    }

    private static WatchOrderEventsResponse Parse(string? line) => Google.Protobuf.JsonParser.Default.Parse<WatchOrderEventsResponse>(line);

    private async Task<Order> PlaceAsync(string? userId = null)
    {
        userId ??= await _mesh.CreateUserAsync();
        var sku = await _mesh.CreateItemAsync(quantity: 5);
        return (await _mesh.Orders.PlaceOrderAsync(Requests.Place(userId, (sku, 1)))).Order;
    }
}
