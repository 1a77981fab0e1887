using Mesh.Inventory.V1;
using Mesh.Launcher;
using Mesh.Users.V1;

namespace Mesh.CrossService.Tests;

/// <summary>Each service keeps its data in its own SQLite file, so a restart loses nothing committed.</summary>
[Collection(MeshCollection.Name)]
public sealed class RestartTests(MeshFixture fixture)
{
    [Theory]
    [InlineData(StopSignal.Terminate)]
    [InlineData(StopSignal.Kill)]
    public async Task GetUser_AfterUsersRestart_ReturnsUserCreatedBefore(StopSignal signal)
    {
        using var timeout = Deadlines.After(120);
        User created;
        using (var channel = fixture.Channel(MeshService.Users))
        {
            created = await TestData.CreateUserAsync(new UserService.UserServiceClient(channel));
        }

        var exitCode = await fixture.Mesh.StopServiceAsync(MeshService.Users, signal, timeout.Token);
        await fixture.Mesh.StartServiceAsync(MeshService.Users, extraEnvironment: null, timeout.Token);

        using var restarted = fixture.Channel(MeshService.Users);
        var fetched = (await new UserService.UserServiceClient(restarted)
            .GetUserAsync(new GetUserRequest { UserId = created.UserId }, deadline: Deadlines.Call())).User;
        Assert.Equal(created, fetched);
        if (signal == StopSignal.Terminate)
        {
            Assert.True(exitCode == 0, $"users exited with {exitCode} after SIGTERM\n{fixture.RecentOutput()}");
        }
    }

    [Fact]
    public async Task GetItem_AfterInventoryRestart_ReturnsItemCreatedBefore()
    {
        using var timeout = Deadlines.After(120);
        Item created;
        using (var channel = fixture.Channel(MeshService.Inventory))
        {
            created = await TestData.CreateItemAsync(new InventoryService.InventoryServiceClient(channel), priceMinor: 999, quantity: 5);
        }

        var exitCode = await fixture.Mesh.StopServiceAsync(MeshService.Inventory, StopSignal.Terminate, timeout.Token);
        await fixture.Mesh.StartServiceAsync(MeshService.Inventory, extraEnvironment: null, timeout.Token);

        using var restarted = fixture.Channel(MeshService.Inventory);
        var fetched = (await new InventoryService.InventoryServiceClient(restarted)
            .GetItemAsync(new GetItemRequest { Sku = created.Sku }, deadline: Deadlines.Call())).Item;
        Assert.Equal(created, fetched);
        Assert.True(exitCode == 0, $"inventory exited with {exitCode} after SIGTERM\n{fixture.RecentOutput()}");
    }
}
