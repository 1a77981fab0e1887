using Mesh.Inventory.Tests.Support;
using Mesh.Inventory.V1;
using Mesh.Testing;

namespace Mesh.Inventory.Tests.Api;

public abstract class BatchGetItemsTests(InventoryHost host)
{
    private readonly InventoryHost _host = host;

    [ContractFact]
    public async Task BatchGetItems_MixOfKnownAndUnknown_ReturnsItemsInRequestOrderAndListsMissing()
    {
        var first = InventoryHost.NewSku("b");
        var second = InventoryHost.NewSku("a");
        var missingOne = InventoryHost.NewSku("m");
        var missingTwo = InventoryHost.NewSku("n");
        await _host.CreateItemAsync(first, 1);
        await _host.CreateItemAsync(second, 2);

        var response = await _host.Client.BatchGetItemsAsync(new BatchGetItemsRequest { Skus = { missingOne, first, missingTwo, second } });

        Assert.Equal([first, second], response.Items.Select(item => item.Sku));
        Assert.Equal([missingOne, missingTwo], response.MissingSkus);
        Assert.Equal([1L, 2L], response.Items.Select(item => item.AvailableQuantity));
    }

    [ContractFact]
    public async Task BatchGetItems_HundredSkus_ReturnsEveryOne()
    {
        var skus = Enumerable.Range(0, 100).Select(_ => InventoryHost.NewSku()).ToList();
        foreach (var sku in skus.Take(3))
        {
            await _host.CreateItemAsync(sku, 5);
        }

        var response = await _host.Client.BatchGetItemsAsync(new BatchGetItemsRequest { Skus = { skus } });

        Assert.Equal(skus.Take(3), response.Items.Select(item => item.Sku));
        Assert.Equal(skus.Skip(3), response.MissingSkus);
    }

    [ContractFact]
    public async Task BatchGetItems_NoSkus_FailsNamingSkus()
    {
        await RpcAssert.InvalidFieldAsync("skus", () => _host.Client.BatchGetItemsAsync(new BatchGetItemsRequest()).ResponseAsync);
    }

    [ContractFact]
    public async Task BatchGetItems_101Skus_FailsNamingSkus()
    {
        var request = new BatchGetItemsRequest { Skus = { Enumerable.Range(0, 101).Select(_ => InventoryHost.NewSku()) } };

        var badRequest = await RpcAssert.InvalidFieldAsync("skus", () => _host.Client.BatchGetItemsAsync(request).ResponseAsync);

        Assert.Single(badRequest.FieldViolations);
    }

    [ContractFact]
    public async Task BatchGetItems_DuplicateSku_FailsNamingTheDuplicate()
    {
        var sku = InventoryHost.NewSku();

        await RpcAssert.InvalidFieldAsync("skus[2]",
            () => _host.Client.BatchGetItemsAsync(new BatchGetItemsRequest { Skus = { sku, InventoryHost.NewSku(), sku } }).ResponseAsync);
    }

    [ContractFact]
    public async Task BatchGetItems_MalformedSku_FailsNamingItsIndex()
    {
        await RpcAssert.InvalidFieldAsync("skus[1]",
            () => _host.Client.BatchGetItemsAsync(new BatchGetItemsRequest { Skus = { InventoryHost.NewSku(), "bad sku" } }).ResponseAsync);
    }
}

public sealed class SqliteBatchGetItemsTests(HostFixture fixture) : BatchGetItemsTests(fixture.Host), IClassFixture<HostFixture>;

public sealed class PostgresBatchGetItemsTests(PostgresHostFixture fixture) : BatchGetItemsTests(fixture.Host), IClassFixture<PostgresHostFixture>, IRequiresPostgres;
