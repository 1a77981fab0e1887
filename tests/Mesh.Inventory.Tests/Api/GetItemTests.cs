using Grpc.Core;
using Mesh.Inventory.Tests.Support;
using Mesh.Inventory.V1;
using Mesh.Testing;

namespace Mesh.Inventory.Tests.Api;

public abstract class GetItemTests(InventoryHost host)
{
    private readonly InventoryHost _host = host;

    [ContractFact]
    public async Task GetItem_ExistingSku_ReturnsItem()
    {
        var sku = InventoryHost.NewSku();
        var created = await _host.CreateItemAsync(sku, 7);

        var item = (await _host.Client.GetItemAsync(new GetItemRequest { Sku = sku })).Item;

        Assert.Equal(created, item);
    }

    [ContractFact]
    public async Task GetItem_UnknownSku_FailsNotFound()
    {
        var error = await RpcAssert.FailsAsync(StatusCode.NotFound,
            () => _host.Client.GetItemAsync(new GetItemRequest { Sku = InventoryHost.NewSku() }).ResponseAsync);

        Assert.Equal("NOT_FOUND", RpcAssert.Reason(error));
    }

    [ContractFact]
    public async Task GetItem_SkuInOtherCase_FailsNotFound()
    {
        var sku = InventoryHost.NewSku("lower");
        await _host.CreateItemAsync(sku, 1);

        await RpcAssert.FailsAsync(StatusCode.NotFound,
            () => _host.Client.GetItemAsync(new GetItemRequest { Sku = sku.ToUpperInvariant() }).ResponseAsync);
    }

    [ContractTheory]
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

public sealed class SqliteGetItemTests(HostFixture fixture) : GetItemTests(fixture.Host), IClassFixture<HostFixture>;

public sealed class PostgresGetItemTests(PostgresHostFixture fixture) : GetItemTests(fixture.Host), IClassFixture<PostgresHostFixture>, IRequiresPostgres;
