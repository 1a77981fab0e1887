using System.Net;
using Google.Rpc;
using Mesh.Inventory.V1;
using Mesh.Testing;
using static Mesh.Testing.RestAssert;

namespace Mesh.Inventory.Tests.Http;

/// <summary>Every REST binding of InventoryService, called as a client calls it, with its failures.</summary>
public sealed class InventoryRestTests(InventoryHttpFixture fixture) : IClassFixture<InventoryHttpFixture>
{
    private HttpClient Http => fixture.Http;

    [Fact]
    public async Task PostItems_NewSku_CreatesTheItemThatGrpcThenReads()
    {
        var sku = InventoryHttpFixture.NewSku();

        var created = await OkAsync<CreateItemResponse>(await Http.PostAsync("/v1/items", Json(
            $$"""{"sku":"{{sku}}","name":"The Analytical Engine","unitPrice":{"currencyCode":"USD","amountMinor":1250},"initialQuantity":10}""")));

        Assert.Equal(sku, created.Item.Sku);
        Assert.Equal(10, created.Item.AvailableQuantity);
        var read = await fixture.Grpc.GetItemAsync(new GetItemRequest { Sku = sku });
        Assert.Equal(created.Item, read.Item);
    }

    [Fact]
    public async Task PostItems_ProtoFieldNames_AreAcceptedAsWellAsJsonNames()
    {
        var sku = InventoryHttpFixture.NewSku();

        var created = await OkAsync<CreateItemResponse>(await Http.PostAsync("/v1/items", Json(
            $$"""{"sku":"{{sku}}","name":"Mug","unit_price":{"currency_code":"EUR","amount_minor":900},"initial_quantity":3}""")));

        Assert.Equal("EUR", created.Item.UnitPrice.CurrencyCode);
        Assert.Equal(3, created.Item.AvailableQuantity);
    }

    [Fact]
    public async Task PostItems_SameSkuDifferentFields_Is409AlreadyExistsAndKeepsTheFirst()
    {
        var sku = InventoryHttpFixture.NewSku();
        var first = await fixture.CreateItemAsync(sku);

        var status = await FailsAsync(await Http.PostAsync("/v1/items", Json(
            $$"""{"sku":"{{sku}}","name":"Another name","unitPrice":{"currencyCode":"USD","amountMinor":1},"initialQuantity":1}""")),
            HttpStatusCode.Conflict, Code.AlreadyExists);

        Assert.Equal("ALREADY_EXISTS", Reason(status));
        Assert.Equal(first, (await fixture.Grpc.GetItemAsync(new GetItemRequest { Sku = sku })).Item);
    }

    [Fact]
    public async Task PostItems_InvalidFields_Is400NamingEachFieldAndStoresNothing()
    {
        var sku = "bad sku with spaces";

        var badRequest = await InvalidFieldAsync(await Http.PostAsync("/v1/items", Json(
            $$$"""{"sku":"{{{sku}}}","name":"","unitPrice":{"currencyCode":"usd","amountMinor":-1}}""")), "sku");

        Assert.Contains(badRequest.FieldViolations, violation => violation.Field == "name");
        Assert.Contains(badRequest.FieldViolations, violation => violation.Field == "unit_price.currency_code");
        Assert.Contains(badRequest.FieldViolations, violation => violation.Field == "unit_price.amount_minor");
        var listed = await fixture.Grpc.ListItemsAsync(new ListItemsRequest { Page = new() { PageSize = 200 } });
        Assert.DoesNotContain(listed.Items, item => item.Sku == sku);
    }

    [Fact]
    public async Task GetItem_ExistingSku_ReturnsTheItem()
    {
        var item = await fixture.CreateItemAsync(InventoryHttpFixture.NewSku());

        var read = await OkAsync<GetItemResponse>(await Http.GetAsync($"/v1/items/{item.Sku}"));

        Assert.Equal(item, read.Item);
    }

    [Fact]
    public async Task GetItem_UnknownSku_Is404WithResourceInfo()
    {
        var sku = InventoryHttpFixture.NewSku("MISSING");

        var status = await FailsAsync(await Http.GetAsync($"/v1/items/{sku}"), HttpStatusCode.NotFound, Code.NotFound);

        Assert.Equal("NOT_FOUND", Reason(status));
        Assert.Equal(sku, status.GetDetail<ResourceInfo>()?.ResourceName);
    }

    [Fact]
    public async Task GetItem_InvalidSkuInThePath_Is400NamingSku()
    {
        await InvalidFieldAsync(await Http.GetAsync("/v1/items/-starts-with-a-dash"), "sku");
    }

    [Fact]
    public async Task ListItems_PageSizeAndToken_PageThroughInSkuOrder()
    {
        var prefix = InventoryHttpFixture.NewSku("PAGE")[..20];
        foreach (var suffix in new[] { "A", "B", "C" })
        {
            await fixture.CreateItemAsync(prefix + suffix);
        }

        var skus = new List<string>();
        var token = "";
        do
        {
            var page = await OkAsync<ListItemsResponse>(await Http.GetAsync($"/v1/items?page.pageSize=2&page.pageToken={Uri.EscapeDataString(token)}"));
            Assert.True(page.Items.Count <= 2);
            skus.AddRange(page.Items.Select(item => item.Sku));
            token = page.NextPageToken;
        }
        while (token.Length > 0);

        Assert.Equal([prefix + "A", prefix + "B", prefix + "C"], skus.Where(sku => sku.StartsWith(prefix, StringComparison.Ordinal)));
        Assert.Equal(skus.Order(StringComparer.Ordinal), skus);
    }

    [Fact]
    public async Task ListItems_NegativePageSize_Is400NamingTheField()
    {
        await InvalidFieldAsync(await Http.GetAsync("/v1/items?page.page_size=-1"), "page.page_size");
    }

    [Fact]
    public async Task ListItems_PageSizeNotANumber_Is400NamingTheField()
    {
        await InvalidFieldAsync(await Http.GetAsync("/v1/items?page.pageSize=ten"), "page.page_size");
    }

    [Fact]
    public async Task BatchGetItems_RepeatedQueryParameter_ReturnsFoundAndMissingInRequestOrder()
    {
        var first = await fixture.CreateItemAsync(InventoryHttpFixture.NewSku());
        var missing = InventoryHttpFixture.NewSku("MISSING");
        var second = await fixture.CreateItemAsync(InventoryHttpFixture.NewSku());

        var batch = await OkAsync<BatchGetItemsResponse>(await Http.GetAsync($"/v1/items:batchGet?skus={second.Sku}&skus={missing}&skus={first.Sku}"));

        Assert.Equal([second.Sku, first.Sku], batch.Items.Select(item => item.Sku));
        Assert.Equal([missing], batch.MissingSkus);
    }

    [Fact]
    public async Task BatchGetItems_NoSkus_Is400NamingSkus()
    {
        await InvalidFieldAsync(await Http.GetAsync("/v1/items:batchGet"), "skus");
    }

    [Fact]
    public async Task PatchItem_Name_ChangesOnlyTheName()
    {
        var item = await fixture.CreateItemAsync(InventoryHttpFixture.NewSku());

        var updated = await OkAsync<UpdateItemResponse>(await Http.PatchAsync($"/v1/items/{item.Sku}", Json("""{"name":"Renamed"}""")));

        Assert.Equal("Renamed", updated.Item.Name);
        Assert.Equal(item.UnitPrice, updated.Item.UnitPrice);
        Assert.Equal(updated.Item, (await fixture.Grpc.GetItemAsync(new GetItemRequest { Sku = item.Sku })).Item);
    }

    [Fact]
    public async Task PatchItem_MisspeltField_Is400NamingItAndChangesNothing()
    {
        var item = await fixture.CreateItemAsync(InventoryHttpFixture.NewSku());

        var badRequest = await InvalidFieldAsync(await Http.PatchAsync($"/v1/items/{item.Sku}", Json("""{"nmae":"Renamed"}""")), "nmae");

        Assert.Contains("unknown field", badRequest.FieldViolations.Single().Description, StringComparison.Ordinal);
        Assert.Equal(item, (await fixture.Grpc.GetItemAsync(new GetItemRequest { Sku = item.Sku })).Item);
    }

    [Fact]
    public async Task PatchItem_UnknownSku_Is404()
    {
        await FailsAsync(await Http.PatchAsync($"/v1/items/{InventoryHttpFixture.NewSku("MISSING")}", Json("""{"name":"x"}""")),
            HttpStatusCode.NotFound, Code.NotFound);
    }

    [Fact]
    public async Task AdjustStock_PositiveDelta_AddsUnitsOncePerRequestId()
    {
        var item = await fixture.CreateItemAsync(InventoryHttpFixture.NewSku(), quantity: 5);
        var body = $$"""{"requestId":"{{Guid.NewGuid()}}","delta":7,"reason":"cycle count"}""";

        var first = await OkAsync<AdjustStockResponse>(await Http.PostAsync($"/v1/items/{item.Sku}:adjustStock", Json(body)));
        var retried = await OkAsync<AdjustStockResponse>(await Http.PostAsync($"/v1/items/{item.Sku}:adjustStock", Json(body)));

        Assert.Equal(12, first.Item.AvailableQuantity);
        Assert.Equal(12, retried.Item.AvailableQuantity);
    }

    [Fact]
    public async Task AdjustStock_RemovingMoreThanAvailable_Is400FailedPreconditionWithPreconditionFailure()
    {
        var item = await fixture.CreateItemAsync(InventoryHttpFixture.NewSku(), quantity: 2);

        var status = await FailsAsync(await Http.PostAsync($"/v1/items/{item.Sku}:adjustStock", Json(
            $$"""{"requestId":"{{Guid.NewGuid()}}","delta":-3,"reason":"damaged"}""")),
            HttpStatusCode.BadRequest, Code.FailedPrecondition);

        Assert.Equal("INSUFFICIENT_STOCK", Reason(status));
        Assert.Contains(status.GetDetail<PreconditionFailure>()!.Violations, violation => violation.Subject.Contains(item.Sku, StringComparison.Ordinal));
        Assert.Equal(2, (await fixture.Grpc.GetItemAsync(new GetItemRequest { Sku = item.Sku })).Item.AvailableQuantity);
    }

    [Fact]
    public async Task WatchItems_EventWrittenWhileTheRequestIsOpen_ArrivesAsANewlineDelimitedJsonObject()
    {
        var sku = InventoryHttpFixture.NewSku("WATCH");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var response = await Http.GetAsync($"/v1/items:watch?startAtHead=true&skus={sku}", HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token));

        // start_at_head: the first line is the heartbeat with the head; only then is the stream live.
        var first = Google.Protobuf.JsonParser.Default.Parse<WatchInventoryResponse>(await reader.ReadLineAsync(timeout.Token));
        Assert.Equal(WatchInventoryResponse.KindOneofCase.Heartbeat, first.KindCase);
        await fixture.CreateItemAsync(sku, quantity: 4);

        var line = await reader.ReadLineAsync(timeout.Token);
        var next = Google.Protobuf.JsonParser.Default.Parse<WatchInventoryResponse>(line);
        Assert.Equal(WatchInventoryResponse.KindOneofCase.Event, next.KindCase);
        Assert.Equal(sku, next.Event.Item.Sku);
        Assert.Equal(InventoryEventType.ItemCreated, next.Event.Type);
    }

    [Fact]
    public async Task WatchItems_CursorBeyondTheHead_Is400OutOfRangeBeforeAnyLine()
    {
        var status = await FailsAsync(await Http.GetAsync("/v1/items:watch?afterSequence=999999999"), HttpStatusCode.BadRequest, Code.OutOfRange);

        Assert.Equal("CURSOR_BEYOND_HEAD", Reason(status));
    }
}
