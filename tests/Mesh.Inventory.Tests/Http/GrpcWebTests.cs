using Google.Rpc;
using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Net.Client.Web;
using Mesh.Inventory.V1;
using Mesh.Testing;

namespace Mesh.Inventory.Tests.Http;

/// <summary>
/// gRPC-Web on the HTTP/1.1 port, through grpc-dotnet's own GrpcWebHandler as a browser-side
/// client would call it: binary and text modes, a server stream, and the rich error model.
/// </summary>
public sealed class GrpcWebTests(InventoryHttpFixture fixture) : IClassFixture<InventoryHttpFixture>
{
    [Theory]
    [InlineData(GrpcWebMode.GrpcWeb)]
    [InlineData(GrpcWebMode.GrpcWebText)]
    public async Task GetItem_OverGrpcWeb_ReturnsTheItem(GrpcWebMode mode)
    {
        var item = await fixture.CreateItemAsync(InventoryHttpFixture.NewSku("WEB"));
        var client = Client(mode);

        var read = await client.GetItemAsync(new GetItemRequest { Sku = item.Sku });

        Assert.Equal(item, read.Item);
    }

    [Theory]
    [InlineData(GrpcWebMode.GrpcWeb)]
    [InlineData(GrpcWebMode.GrpcWebText)]
    public async Task CreateItem_InvalidFields_FailsWithTheSameBadRequestAsGrpc(GrpcWebMode mode)
    {
        var request = new CreateItemRequest { Sku = "", Name = "x", UnitPrice = new() { CurrencyCode = "USD", AmountMinor = 1 } };

        var overWeb = await RpcAssert.InvalidFieldAsync("sku", async () => await Client(mode).CreateItemAsync(request));
        var overGrpc = await RpcAssert.InvalidFieldAsync("sku", async () => await fixture.Grpc.CreateItemAsync(request));

        Assert.Equal(overGrpc, overWeb);
    }

    [Fact]
    public async Task GetItem_UnknownSku_FailsNotFoundWithErrorInfo()
    {
        var exception = await RpcAssert.FailsAsync(StatusCode.NotFound,
            async () => await Client(GrpcWebMode.GrpcWeb).GetItemAsync(new GetItemRequest { Sku = InventoryHttpFixture.NewSku("MISSING") }));

        Assert.Equal("NOT_FOUND", RpcAssert.Reason(exception));
        Assert.NotNull(exception.GetRpcStatus()?.GetDetail<ResourceInfo>());
    }

    [Theory]
    [InlineData(GrpcWebMode.GrpcWeb)]
    [InlineData(GrpcWebMode.GrpcWebText)]
    public async Task WatchInventory_OverGrpcWeb_DeliversAnEventWrittenWhileTheStreamIsOpen(GrpcWebMode mode)
    {
        var sku = InventoryHttpFixture.NewSku("WEBWATCH");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var call = Client(mode).WatchInventory(new WatchInventoryRequest { StartAtHead = true, Skus = { sku } }, cancellationToken: timeout.Token);

        Assert.True(await call.ResponseStream.MoveNext(timeout.Token));
        Assert.Equal(WatchInventoryResponse.KindOneofCase.Heartbeat, call.ResponseStream.Current.KindCase);
        await fixture.CreateItemAsync(sku);

        Assert.True(await call.ResponseStream.MoveNext(timeout.Token));
        Assert.Equal(sku, call.ResponseStream.Current.Event.Item.Sku);
    }

    [Fact]
    public async Task ReserveStock_OverGrpcWeb_IsNotPublished()
    {
        var item = await fixture.CreateItemAsync(InventoryHttpFixture.NewSku("WEBRES"), quantity: 5);

        // The HTTP port answers 404 with no gRPC status: grpc-dotnet's client reports UNIMPLEMENTED.
        await RpcAssert.FailsAsync(StatusCode.Unimplemented, async () => await Client(GrpcWebMode.GrpcWeb).ReserveStockAsync(new ReserveStockRequest
        {
            ReservationId = "web:" + Guid.NewGuid().ToString("N"),
            Lines = { new ReservationLine { Sku = item.Sku, Quantity = 5 } },
        }));

        Assert.Equal(5, (await fixture.Grpc.GetItemAsync(new GetItemRequest { Sku = item.Sku })).Item.AvailableQuantity);
    }

    private InventoryService.InventoryServiceClient Client(GrpcWebMode mode) =>
        new(GrpcChannel.ForAddress(fixture.Service.HttpAddress, new GrpcChannelOptions
        {
            HttpHandler = new GrpcWebHandler(mode, new HttpClientHandler()),
            HttpVersion = new Version(1, 1),
            HttpVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        }));
}
