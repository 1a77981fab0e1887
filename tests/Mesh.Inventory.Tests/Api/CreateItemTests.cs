using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Mesh.Inventory.Tests.Support;
using Mesh.Inventory.V1;
using Mesh.Testing;

namespace Mesh.Inventory.Tests.Api;

public abstract class CreateItemTests(InventoryHost host)
{
    private readonly InventoryHost _host = host;

    [ContractFact]
    public async Task CreateItem_NewSku_ReturnsItemWithAllUnitsAvailable()
    {
        var sku = InventoryHost.NewSku();

        var item = (await _host.Client.CreateItemAsync(InventoryHost.ItemRequest(sku, 42, priceMinor: 1999, name: "Mesh Mug", currency: "USD"))).Item;

        Assert.Equal(sku, item.Sku);
        Assert.Equal("Mesh Mug", item.Name);
        Assert.Equal("USD", item.UnitPrice.CurrencyCode);
        Assert.Equal(1999, item.UnitPrice.AmountMinor);
        Assert.Equal(42, item.AvailableQuantity);
        Assert.Equal(0, item.ReservedQuantity);
        Assert.Equal(Timestamp.FromDateTimeOffset(_host.Time.GetUtcNow()), item.CreateTime);
        Assert.Equal(item.CreateTime, item.UpdateTime);
        Assert.Equal(item, await _host.GetItemAsync(sku));
    }

    [ContractFact]
    public async Task CreateItem_LargestAllowedValues_Succeeds()
    {
        var sku = "Z" + new string('9', 62) + "_";
        var name = string.Concat(Enumerable.Repeat("\U0001F600", 200));

        var item = (await _host.Client.CreateItemAsync(InventoryHost.ItemRequest(sku, 1_000_000_000, priceMinor: 100_000_000_000, name: name))).Item;

        Assert.Equal(64, item.Sku.Length);
        Assert.Equal(name, item.Name);
        Assert.Equal(100_000_000_000, item.UnitPrice.AmountMinor);
        Assert.Equal(1_000_000_000, item.AvailableQuantity);
    }

    [ContractFact]
    public async Task CreateItem_NameWithSpacesAndDecomposedAccent_StoresTrimmedNfcName()
    {
        var sku = InventoryHost.NewSku();

        var item = (await _host.Client.CreateItemAsync(InventoryHost.ItemRequest(sku, 1, name: "  Cafe\u0301 Mug  "))).Item;

        Assert.Equal("Caf\u00e9 Mug", item.Name);
    }

    [ContractFact]
    public async Task CreateItem_NameWithEmojiJoinerSequence_KeepsItVerbatim()
    {
        var name = "\U0001F469\u200D\U0001F4BB Developer Mug";

        var item = (await _host.Client.CreateItemAsync(InventoryHost.ItemRequest(InventoryHost.NewSku(), 1, name: name))).Item;

        Assert.Equal(name, item.Name);
    }

    [ContractFact]
    public async Task CreateItem_IdenticalRetry_ReturnsExistingItemAsItIsNowWithoutChanges()
    {
        var sku = InventoryHost.NewSku();
        await _host.CreateItemAsync(sku, 10);
        await _host.ReserveAsync("order:" + Guid.NewGuid(), (sku, 4));
        var before = await _host.SnapshotAsync();

        var retried = (await _host.Client.CreateItemAsync(InventoryHost.ItemRequest(sku, 10))).Item;

        Assert.Equal(6, retried.AvailableQuantity);
        Assert.Equal(4, retried.ReservedQuantity);
        Assert.Equal(before, await _host.SnapshotAsync());
    }

    [ContractFact]
    public async Task CreateItem_RetryWhoseNameNormalisesEqual_ReturnsExistingItem()
    {
        var sku = InventoryHost.NewSku();
        var created = (await _host.Client.CreateItemAsync(InventoryHost.ItemRequest(sku, 3, name: "Caf\u00e9"))).Item;

        var retried = (await _host.Client.CreateItemAsync(InventoryHost.ItemRequest(sku, 3, name: " Cafe\u0301 "))).Item;

        Assert.Equal(created, retried);
    }

    [ContractTheory]
    [InlineData("Other name", "EUR", 1250, 5)]
    [InlineData("Test item", "USD", 1250, 5)]
    [InlineData("Test item", "EUR", 1251, 5)]
    [InlineData("Test item", "EUR", 1250, 6)]
    [InlineData("test item", "EUR", 1250, 5)]
    public async Task CreateItem_SameSkuWithDifferentFields_FailsAlreadyExistsAndChangesNothing(string name, string currency, long price, long initial)
    {
        var sku = InventoryHost.NewSku();
        await _host.Client.CreateItemAsync(InventoryHost.ItemRequest(sku, 5, 1250, "Test item", "EUR"));
        var before = await _host.SnapshotAsync();

        var error = await RpcAssert.FailsAsync(StatusCode.AlreadyExists,
            () => _host.Client.CreateItemAsync(InventoryHost.ItemRequest(sku, initial, price, name, currency)).ResponseAsync);

        Assert.Equal("ALREADY_EXISTS", RpcAssert.Reason(error));
        Assert.Equal(before, await _host.SnapshotAsync());
    }

    [ContractFact]
    public async Task CreateItem_SkuDifferingOnlyInCase_CreatesSeparateItem()
    {
        var sku = InventoryHost.NewSku("case");
        await _host.CreateItemAsync(sku, 1);

        var upper = (await _host.Client.CreateItemAsync(InventoryHost.ItemRequest(sku.ToUpperInvariant(), 2))).Item;

        Assert.Equal(2, upper.AvailableQuantity);
        Assert.Equal(1, (await _host.GetItemAsync(sku)).AvailableQuantity);
    }

    [ContractTheory]
    [InlineData("sku", "", "Name", "EUR", 1, 1)]
    [InlineData("sku", "-starts-with-dash", "Name", "EUR", 1, 1)]
    [InlineData("sku", ".dot", "Name", "EUR", 1, 1)]
    [InlineData("sku", "has space", "Name", "EUR", 1, 1)]
    [InlineData("sku", "colon:not-allowed", "Name", "EUR", 1, 1)]
    [InlineData("sku", "caf\u00e9", "Name", "EUR", 1, 1)]
    [InlineData("sku", "\uFF33\uFF2B\uFF35", "Name", "EUR", 1, 1)]
    [InlineData("sku", "ABCDEFGHIJABCDEFGHIJABCDEFGHIJABCDEFGHIJABCDEFGHIJABCDEFGHIJ12345", "Name", "EUR", 1, 1)]
    [InlineData("name", "SKU", "", "EUR", 1, 1)]
    [InlineData("name", "SKU", "   \t ", "EUR", 1, 1)]
    [InlineData("name", "SKU", "Bell\u0007", "EUR", 1, 1)]
    [InlineData("name", "SKU", "Line\nbreak", "EUR", 1, 1)]
    [InlineData("name", "SKU", "evil\u202Egnp.exe", "EUR", 1, 1)]
    [InlineData("name", "SKU", "zero\u200Bwidth", "EUR", 1, 1)]
    [InlineData("name", "SKU", "private \uE000 use", "EUR", 1, 1)]
    [InlineData("unit_price.currency_code", "SKU", "Name", "eur", 1, 1)]
    [InlineData("unit_price.currency_code", "SKU", "Name", "EURO", 1, 1)]
    [InlineData("unit_price.currency_code", "SKU", "Name", "", 1, 1)]
    [InlineData("unit_price.amount_minor", "SKU", "Name", "EUR", -1, 1)]
    [InlineData("unit_price.amount_minor", "SKU", "Name", "EUR", 100_000_000_001, 1)]
    [InlineData("unit_price.amount_minor", "SKU", "Name", "EUR", long.MinValue, 1)]
    [InlineData("initial_quantity", "SKU", "Name", "EUR", 1, -1)]
    [InlineData("initial_quantity", "SKU", "Name", "EUR", 1, 1_000_000_001)]
    [InlineData("initial_quantity", "SKU", "Name", "EUR", 1, long.MaxValue)]
    public async Task CreateItem_InvalidField_FailsInvalidArgumentNamingFieldAndChangesNothing(
        string field, string sku, string name, string currency, long price, long initial)
    {
        var before = await _host.SnapshotAsync();

        await RpcAssert.InvalidFieldAsync(field,
            () => _host.Client.CreateItemAsync(InventoryHost.ItemRequest(sku, initial, price, name, currency)).ResponseAsync);

        Assert.Equal(before, await _host.SnapshotAsync());
    }

    [ContractFact]
    public async Task CreateItem_NameOf201Characters_FailsNamingName()
    {
        var name = string.Concat(Enumerable.Repeat("\U0001F600", 201));

        await RpcAssert.InvalidFieldAsync("name",
            () => _host.Client.CreateItemAsync(InventoryHost.ItemRequest(InventoryHost.NewSku(), 1, name: name)).ResponseAsync);
    }

    [ContractFact]
    public async Task CreateItem_MissingPrice_FailsNamingUnitPrice()
    {
        var request = InventoryHost.ItemRequest(InventoryHost.NewSku(), 1);
        request.UnitPrice = null;

        await RpcAssert.InvalidFieldAsync("unit_price", () => _host.Client.CreateItemAsync(request).ResponseAsync);
    }

    [ContractFact]
    public async Task CreateItem_SeveralInvalidFields_ListsEveryOne()
    {
        var badRequest = await RpcAssert.InvalidFieldAsync("sku",
            () => _host.Client.CreateItemAsync(InventoryHost.ItemRequest("", -5, -1, "", "x")).ResponseAsync);

        Assert.Equal(
            ["sku", "name", "unit_price.currency_code", "unit_price.amount_minor", "initial_quantity"],
            badRequest.FieldViolations.Select(violation => violation.Field));
    }
}

public sealed class SqliteCreateItemTests(HostFixture fixture) : CreateItemTests(fixture.Host), IClassFixture<HostFixture>;

public sealed class PostgresCreateItemTests(PostgresHostFixture fixture) : CreateItemTests(fixture.Host), IClassFixture<PostgresHostFixture>, IRequiresPostgres;
