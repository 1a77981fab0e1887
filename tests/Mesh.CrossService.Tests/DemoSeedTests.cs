using Mesh.Inventory.V1;
using Mesh.Launcher;
using Mesh.Users.V1;

namespace Mesh.CrossService.Tests;

/// <summary>The launcher seeds the demo user and catalog, and seeding again changes nothing.</summary>
[Collection(MeshCollection.Name)]
public sealed class DemoSeedTests(MeshFixture fixture)
{
    [Fact]
    public async Task Start_WithSeed_CreatesDemoUserAndCatalog()
    {
        var demo = fixture.Mesh.Demo;
        Assert.True(demo is not null, $"Seeding did not finish: {fixture.Mesh.SeedConflict}\n{fixture.RecentOutput()}");
        using var usersChannel = fixture.Channel(MeshService.Users);
        using var inventoryChannel = fixture.Channel(MeshService.Inventory);
        var users = new UserService.UserServiceClient(usersChannel);
        var inventory = new InventoryService.InventoryServiceClient(inventoryChannel);

        var user = (await users.GetUserAsync(new GetUserRequest { UserId = demo.User.UserId }, deadline: Deadlines.Call())).User;
        var skus = DemoCatalog.ItemRequests().Select(item => item.Sku).ToList();
        var items = await inventory.BatchGetItemsAsync(new BatchGetItemsRequest { Skus = { skus } }, deadline: Deadlines.Call());

        Assert.Equal(DemoCatalog.UserEmail, user.Email);
        Assert.Equal(DemoCatalog.UserDisplayName, user.DisplayName);
        Assert.Empty(items.MissingSkus);
        Assert.Equal(skus, items.Items.Select(item => item.Sku));
        Assert.All(items.Items, item => Assert.Equal(DemoCatalog.Currency, item.UnitPrice.CurrencyCode));
    }

    [Fact]
    public async Task SeedAsync_SecondRun_ReturnsSameUserAndItems()
    {
        var first = fixture.Mesh.Demo;
        Assert.True(first is not null, $"Seeding did not finish: {fixture.Mesh.SeedConflict}");
        using var timeout = Deadlines.After(30);

        var second = await DemoSeeder.SeedAsync(
            fixture.Mesh.AddressOf(MeshService.Users), fixture.Mesh.AddressOf(MeshService.Inventory), timeout.Token);

        Assert.Equal(first.User.UserId, second.User.UserId);
        Assert.Equal(first.Items.Select(item => item.Sku), second.Items.Select(item => item.Sku));
        Assert.Equal(first.Items.Select(item => item.CreateTime), second.Items.Select(item => item.CreateTime));
    }
}
