using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Google.Rpc;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Mesh.Inventory.Tests.Support;
using Mesh.Inventory.V1;
using static Mesh.Testing.RestAssert;

namespace Mesh.Inventory.Tests.Http;

/// <summary>
/// What the public HTTP port refuses, each with a clear status and a google.rpc.Status body, and
/// without storing anything or announcing anything on the feed (the database is compared row by
/// row before and after).
/// </summary>
public sealed class HttpRefusalTests(InventoryHttpFixture fixture) : IClassFixture<InventoryHttpFixture>
{
    private HttpClient Http => fixture.Http;

    private static string CreateBody(string sku) =>
        $$"""{"sku":"{{sku}}","name":"Refused","unitPrice":{"currencyCode":"USD","amountMinor":100},"initialQuantity":1}""";

    [Fact]
    public async Task MalformedJson_Is400MalformedRequestAndStoresNothing()
    {
        await AssertNothingStoredAsync(async () =>
        {
            var status = await FailsAsync(await Http.PostAsync("/v1/items", Json("{\"sku\":\"A1\",\"name\":")), HttpStatusCode.BadRequest, Code.InvalidArgument);

            Assert.Equal("MALFORMED_REQUEST", Reason(status));
            Assert.Equal("mesh.inventory.v1.CreateItemRequest", status.GetDetail<ErrorInfo>()!.Metadata["message_type"]);
        });
    }

    [Fact]
    public async Task WrongJsonTypes_Are400NamingEveryField()
    {
        await AssertNothingStoredAsync(async () =>
        {
            var badRequest = await InvalidFieldAsync(await Http.PostAsync("/v1/items", Json(
                """{"sku":42,"name":"x","unitPrice":{"currencyCode":"USD","amountMinor":"lots"},"initialQuantity":1.5}""")), "sku");

            Assert.Equal(["sku", "unit_price.amount_minor", "initial_quantity"], badRequest.FieldViolations.Select(violation => violation.Field));
        });
    }

    [Fact]
    public async Task UnknownField_Is400NamingIt_NotSilentlyIgnored()
    {
        await AssertNothingStoredAsync(async () =>
        {
            var badRequest = await InvalidFieldAsync(await Http.PostAsync("/v1/items", Json(
                """{"sku":"UNKNOWN-1","name":"x","unitPrice":{"currencyCode":"USD","amountMinor":1,"discount":5}}""")), "unit_price.discount");

            Assert.Single(badRequest.FieldViolations);
        });
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData(null)]
    public async Task BodyThatIsNotDeclaredJson_Is415(string? contentType)
    {
        await AssertNothingStoredAsync(async () =>
        {
            var content = new ByteArrayContent(Encoding.UTF8.GetBytes(CreateBody("CT-" + contentType?.Length)));
            content.Headers.ContentType = contentType is null ? null : new MediaTypeHeaderValue(contentType);

            var status = await FailsAsync(await Http.PostAsync("/v1/items", content), HttpStatusCode.UnsupportedMediaType, Code.InvalidArgument);

            Assert.Contains("application/json", status.Message, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task JsonWithCharset_IsAccepted()
    {
        var sku = InventoryHttpFixture.NewSku();
        var content = new StringContent(CreateBody(sku), Encoding.UTF8);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/json; charset=utf-8");

        var created = await OkAsync<CreateItemResponse>(await Http.PostAsync("/v1/items", content));

        Assert.Equal(sku, created.Item.Sku);
    }

    [Fact]
    public async Task BodyOverTheLimit_Is413BeforeItIsRead()
    {
        await AssertNothingStoredAsync(async () =>
        {
            var name = new string('n', 2 * 1024 * 1024);
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/items")
            {
                Content = Json($$$"""{"sku":"BIG-1","name":"{{{name}}}","unitPrice":{"currencyCode":"USD","amountMinor":1}}"""),
            };
            // As a client uploading a large body should: the 413 then comes before a byte of it is
            // sent. Without it the answer can race the upload, and the client sees a broken pipe.
            request.Headers.ExpectContinue = true;

            var status = await FailsAsync(await Http.SendAsync(request), HttpStatusCode.RequestEntityTooLarge, Code.ResourceExhausted);

            Assert.Equal("MESSAGE_TOO_LARGE", Reason(status));
            Assert.Equal("1048576", status.GetDetail<ErrorInfo>()!.Metadata["max_bytes"]);
        });
    }

    [Fact]
    public async Task ChunkedBodyOverTheLimit_Is413()
    {
        await AssertNothingStoredAsync(async () =>
        {
            var bytes = Encoding.UTF8.GetBytes($$"""{"sku":"BIG-2","name":"{{new string('n', 2 * 1024 * 1024)}}"}""");
            // A stream of unknown length goes out chunked: no Content-Length to refuse up front.
            var content = new StreamContent(new NonSeekableStream(bytes));
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

            var status = await FailsAsync(await Http.PostAsync("/v1/items", content), HttpStatusCode.RequestEntityTooLarge, Code.ResourceExhausted);

            Assert.Equal("MESSAGE_TOO_LARGE", Reason(status));
        });
    }

    [Fact]
    public async Task UnboundMethodOnAPath_Is405ListingTheAllowedOnes()
    {
        var item = await fixture.CreateItemAsync(InventoryHttpFixture.NewSku());

        var response = await Http.DeleteAsync($"/v1/items/{item.Sku}");

        var status = await FailsAsync(response, HttpStatusCode.MethodNotAllowed, Code.Unimplemented);
        Assert.Equal("METHOD_NOT_ALLOWED", Reason(status));
        Assert.Contains("GET", response.Content.Headers.Allow);
        Assert.Contains("PATCH", response.Content.Headers.Allow);
        Assert.Equal(item, (await fixture.Grpc.GetItemAsync(new GetItemRequest { Sku = item.Sku })).Item);
    }

    [Fact]
    public async Task UnknownPath_Is404WithAStatusBody()
    {
        var status = await FailsAsync(await Http.GetAsync("/v1/warehouses"), HttpStatusCode.NotFound, Code.NotFound);

        Assert.Equal("/v1/warehouses", status.GetDetail<ErrorInfo>()!.Metadata["path"]);
    }

    [Theory]
    [InlineData("/mesh.inventory.v1.InventoryService/ReserveStock", "application/grpc-web")]
    [InlineData("/mesh.inventory.v1.InventoryService/CommitReservation", "application/grpc-web-text")]
    [InlineData("/mesh.inventory.v1.InventoryService/ReleaseReservation", "application/grpc-web")]
    [InlineData("/grpc.health.v1.Health/Check", "application/grpc-web")]
    [InlineData("/mesh.inventory.v1.InventoryService/ReserveStock", "application/json")]
    public async Task InternalMethod_IsNotReachableOnTheHttpPort(string path, string contentType)
    {
        await AssertNothingStoredAsync(async () =>
        {
            var content = new ByteArrayContent(new byte[] { 0, 0, 0, 0, 0 });
            content.Headers.ContentType = new MediaTypeHeaderValue(contentType);

            await FailsAsync(await Http.PostAsync(path, content), HttpStatusCode.NotFound, Code.NotFound);
        });
    }

    [Fact]
    public async Task InternalMethod_StaysReachableOverGrpc()
    {
        var item = await fixture.CreateItemAsync(InventoryHttpFixture.NewSku(), quantity: 3);

        var reservation = await fixture.Grpc.ReserveStockAsync(new ReserveStockRequest
        {
            ReservationId = "rest-test:" + Guid.NewGuid().ToString("N"),
            Lines = { new ReservationLine { Sku = item.Sku, Quantity = 1 } },
        });

        Assert.Equal(ReservationState.Held, reservation.Reservation.State);
    }

    [Theory]
    [InlineData(new byte[] { 0, 0, 0, 0, 9, 0x0a, 0x07, (byte)'B', (byte)'O' })] // frame shorter than its length
    [InlineData(new byte[] { 0, 0, 0, 0 })] // header cut short
    [InlineData(new byte[] { 1, 0, 0, 0, 2, 0x0a, 0x00 })] // compressed flag without grpc-encoding
    public async Task GrpcWebCorruptFrame_GetsAClearStatus_AndTheServiceStaysServing(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc-web");

        var response = await Http.PostAsync("/mesh.inventory.v1.InventoryService/GetItem", content);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode); // gRPC-Web carries the failure in grpc-status
        var grpcStatus = response.Headers.TryGetValues("grpc-status", out var values) ? values.Single() : null;
        Assert.Equal("13", grpcStatus); // INTERNAL, as the gRPC protocol prescribes for a broken frame
        Assert.True(response.Headers.Contains("grpc-message"));
        var health = new Health.HealthClient(GrpcChannel.ForAddress(fixture.Service.GrpcAddress));
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, (await health.CheckAsync(new HealthCheckRequest())).Status);
    }

    [Fact]
    public async Task CorsPreflight_FromAnAllowedOrigin_AllowsTheCallAndExposesGrpcHeaders()
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, "/mesh.inventory.v1.InventoryService/GetItem");
        request.Headers.Add("Origin", InventoryHttpFixture.AllowedOrigin);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "content-type,x-grpc-web,x-user-agent");

        var response = await Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(InventoryHttpFixture.AllowedOrigin, response.Headers.GetValues("Access-Control-Allow-Origin").Single());

        using var get = new HttpRequestMessage(HttpMethod.Get, "/v1/items?page.pageSize=1");
        get.Headers.Add("Origin", InventoryHttpFixture.AllowedOrigin);
        var actual = await Http.SendAsync(get);
        var exposed = string.Join(",", actual.Headers.GetValues("Access-Control-Expose-Headers"));
        Assert.Contains("grpc-status", exposed, StringComparison.Ordinal);
        Assert.Contains("grpc-message", exposed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CorsPreflight_FromAnotherOrigin_GetsNoAllowOrigin()
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, "/v1/items");
        request.Headers.Add("Origin", "http://evil.example.test");
        request.Headers.Add("Access-Control-Request-Method", "POST");

        var response = await Http.SendAsync(request);

        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    private async Task AssertNothingStoredAsync(Func<Task> refusedCall)
    {
        var before = await DatabaseSnapshot.TakeAsync(fixture.DatabasePath);
        await refusedCall();
        Assert.Equal(before, await DatabaseSnapshot.TakeAsync(fixture.DatabasePath));
    }

    private sealed class NonSeekableStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
