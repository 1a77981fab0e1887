using Grpc.Core;
using Mesh.Inventory.Tests.Support;
using Mesh.Inventory.V1;
using Mesh.Testing;

namespace Mesh.Inventory.Tests.Api;

public sealed class GetItemTests(HostFixture fixture) : IClassFixture<HostFixture>
{
    private readonly InventoryHost _host = fixture.Host;

    [Fact]
    public async Task GetItem_ExistingSku_ReturnsItem()
    {
        var sku = InventoryHost.NewSku();
        var created = await _host.CreateItemAsync(sku, 7);

        var item = (await _host.Client.GetItemAsync(new GetItemRequest { Sku = sku })).Item;

        Assert.Equal(created, item);
    }

    [Fact]
    public async Task GetItem_UnknownSku_FailsNotFound()
    {
        var error = await RpcAssert.FailsAsync(StatusCode.NotFound,
            () => _host.Client.GetItemAsync(new GetItemRequest { Sku = InventoryHost.NewSku() }).ResponseAsync);

        Assert.Equal("NOT_FOUND", RpcAssert.Reason(error));
    }

    [Fact]
    public async Task GetItem_SkuInOtherCase_FailsNotFound()
    {
        var sku = InventoryHost.NewSku("lower");
        await _host.CreateItemAsync(sku, 1);

        await RpcAssert.FailsAsync(StatusCode.NotFound,
            () => _host.Client.GetItemAsync(new GetItemRequest { Sku = sku.ToUpperInvariant() }).ResponseAsync);
    }

    [Theory]
    [InlineData("")]
    [InlineData("_leading")]
    [InlineData("sku/with/slash")]
    [InlineData("' OR 1=1 --")]
    [InlineData("ABCDEFGHIJABCDEFGHIJABCDEFGHIJABCDEFGHIJABCDEFGHIJABCDEFGHIJ12345")]
    public async Task GetItem_MalformedSku_FailsInvalidArgumentNamingSku(string sku)
    {
        await RpcAssert.InvalidFieldAsync("sku", () => _host.Client.GetItemAsync(new GetItemRequest { Sku = sku }).ResponseAsync);
    }
}
