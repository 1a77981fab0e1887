using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Mesh.Common.V1;
using Mesh.Inventory.Tests.Support;
using Mesh.Inventory.V1;
using Mesh.Testing;

namespace Mesh.Inventory.Tests.Api;

public abstract class UpdateItemTests(InventoryHost host)
{
    private readonly InventoryHost _host = host;

    private static UpdateItemRequest Update(string sku, string? name = null, string? currency = null, long? priceMinor = null)
    {
        var request = new UpdateItemRequest { Sku = sku };
        if (name is not null)
        {
            request.Name = name;
        }

        if (currency is not null || priceMinor is not null)
        {
            request.UnitPrice = new Money { CurrencyCode = currency ?? "EUR", AmountMinor = priceMinor ?? 0 };
        }

        return request;
    }

    [ContractFact]
    public async Task UpdateItem_NewPrice_ChangesPriceKeepsEverythingElseAndAppendsItemUpdated()
    {
        var sku = InventoryHost.NewSku();
        var created = await _host.CreateItemAsync(sku, 10, priceMinor: 1250);
        await _host.ReserveAsync("order:" + Guid.NewGuid(), (sku, 3));
        var head = await _host.HeadAsync();
        _host.Time.Advance(TimeSpan.FromSeconds(1));

        var item = (await _host.Client.UpdateItemAsync(Update(sku, currency: "USD", priceMinor: 999))).Item;

        Assert.Equal(("USD", 999L), (item.UnitPrice.CurrencyCode, item.UnitPrice.AmountMinor));
        Assert.Equal((created.Name, 7L, 3L), (item.Name, item.AvailableQuantity, item.ReservedQuantity));
        Assert.Equal(created.CreateTime, item.CreateTime);
        Assert.Equal(Timestamp.FromDateTimeOffset(_host.Time.GetUtcNow()), item.UpdateTime);
        Assert.Equal(item, await _host.GetItemAsync(sku));
        var updated = Assert.Single(await _host.EventsAfterAsync(head, sku));
        Assert.Equal((InventoryEventType.ItemUpdated, 0L, string.Empty), (updated.Type, updated.Quantity, updated.ReservationId));
        Assert.Equal(item, updated.Item);
    }

    [ContractFact]
    public async Task UpdateItem_NewNameOnly_StoresTrimmedNfcNameAndKeepsPrice()
    {
        var sku = InventoryHost.NewSku();
        var created = await _host.CreateItemAsync(sku, 1, priceMinor: 500);

        var item = (await _host.Client.UpdateItemAsync(Update(sku, name: "  Cafe\u0301 Mug  "))).Item;

        Assert.Equal("Caf\u00e9 Mug", item.Name);
        Assert.Equal(created.UnitPrice, item.UnitPrice);
    }

    [ContractFact]
    public async Task UpdateItem_NameAndPrice_ChangesBothInOneEvent()
    {
        var sku = InventoryHost.NewSku();
        await _host.CreateItemAsync(sku, 1);
        var head = await _host.HeadAsync();

        var item = (await _host.Client.UpdateItemAsync(Update(sku, name: "Renamed", currency: "EUR", priceMinor: 1))).Item;

        Assert.Equal(("Renamed", 1L), (item.Name, item.UnitPrice.AmountMinor));
        Assert.Equal(item, Assert.Single(await _host.EventsAfterAsync(head, sku)).Item);
    }

    [ContractFact]
    public async Task UpdateItem_ValuesItAlreadyHas_ReturnsItemAndChangesAndAnnouncesNothing()
    {
        var sku = InventoryHost.NewSku();
        var created = await _host.CreateItemAsync(sku, 4, priceMinor: 1250);
        var before = await _host.SnapshotAsync();
        _host.Time.Advance(TimeSpan.FromSeconds(1));

        // The name differs only before normalisation, so it is the same name.
        var item = (await _host.Client.UpdateItemAsync(Update(sku, name: " Test item ", currency: "EUR", priceMinor: 1250))).Item;

        Assert.Equal(created, item);
        Assert.Equal(before, await _host.SnapshotAsync());
    }

    [ContractFact]
    public async Task UpdateItem_UnknownSku_FailsNotFoundAndAnnouncesNothing()
    {
        var head = await _host.HeadAsync();

        var error = await RpcAssert.FailsAsync(StatusCode.NotFound,
            () => _host.Client.UpdateItemAsync(Update(InventoryHost.NewSku(), name: "Renamed")).ResponseAsync);

        Assert.Equal("NOT_FOUND", RpcAssert.Reason(error));
        Assert.Equal(head, await _host.HeadAsync());
    }

    [ContractFact]
    public async Task UpdateItem_NeitherNameNorPrice_FailsInvalidArgumentNamingBoth()
    {
        var sku = InventoryHost.NewSku();
        await _host.CreateItemAsync(sku, 1);
        var before = await _host.SnapshotAsync();

        var badRequest = await RpcAssert.InvalidFieldAsync("name", () => _host.Client.UpdateItemAsync(Update(sku)).ResponseAsync);

        Assert.Equal(["name", "unit_price"], badRequest.FieldViolations.Select(violation => violation.Field));
        Assert.Equal(before, await _host.SnapshotAsync());
    }

    [ContractTheory]
    [InlineData("sku", "", "Name", null, null)]
    [InlineData("sku", "has space", "Name", null, null)]
    [InlineData("sku", "colon:not-allowed", "Name", null, null)]
    [InlineData("name", "SKU", "", null, null)]
    [InlineData("name", "SKU", "   ", null, null)]
    [InlineData("name", "SKU", "Bell\u0007", null, null)]
    [InlineData("name", "SKU", "evil\u202Egnp.exe", null, null)]
    [InlineData("unit_price.currency_code", "SKU", null, "eur", 1L)]
    [InlineData("unit_price.currency_code", "SKU", null, "", 1L)]
    [InlineData("unit_price.amount_minor", "SKU", null, "EUR", -1L)]
    [InlineData("unit_price.amount_minor", "SKU", null, "EUR", 100_000_000_001L)]
    public async Task UpdateItem_InvalidField_FailsInvalidArgumentNamingFieldAndChangesNothing(
        string field, string sku, string? name, string? currency, long? priceMinor)
    {
        await _host.Client.CreateItemAsync(InventoryHost.ItemRequest("SKU", 1));
        var before = await _host.SnapshotAsync();

        await RpcAssert.InvalidFieldAsync(field, () => _host.Client.UpdateItemAsync(Update(sku, name, currency, priceMinor)).ResponseAsync);

        Assert.Equal(before, await _host.SnapshotAsync());
    }

    [ContractFact]
    public async Task UpdateItem_NameOf201Characters_FailsNamingName()
    {
        var sku = InventoryHost.NewSku();
        await _host.CreateItemAsync(sku, 1);

        await RpcAssert.InvalidFieldAsync("name",
            () => _host.Client.UpdateItemAsync(Update(sku, name: string.Concat(Enumerable.Repeat("\U0001F600", 201)))).ResponseAsync);
    }

    [ContractFact]
    public async Task CreateItem_RetryAfterUpdateItem_ReturnsTheUpdatedItemButNewFieldsConflict()
    {
        var sku = InventoryHost.NewSku();
        await _host.CreateItemAsync(sku, 10, priceMinor: 1250);
        await _host.Client.UpdateItemAsync(Update(sku, currency: "EUR", priceMinor: 1500));

        // A retry of the original creation (the launcher re-seeding its demo catalog) still succeeds...
        var retried = (await _host.Client.CreateItemAsync(InventoryHost.ItemRequest(sku, 10, priceMinor: 1250))).Item;
        // ...while creating the sku with what it has now is a different creation.
        await RpcAssert.FailsAsync(StatusCode.AlreadyExists,
            () => _host.Client.CreateItemAsync(InventoryHost.ItemRequest(sku, 10, priceMinor: 1500)).ResponseAsync);

        Assert.Equal(1500, retried.UnitPrice.AmountMinor);
    }
}

public sealed class SqliteUpdateItemTests(HostFixture fixture) : UpdateItemTests(fixture.Host), IClassFixture<HostFixture>;

public sealed class PostgresUpdateItemTests(PostgresHostFixture fixture) : UpdateItemTests(fixture.Host), IClassFixture<PostgresHostFixture>, IRequiresPostgres;
