using Mesh.Common.V1;
using Mesh.Container.Tests.Support;
using Mesh.Inventory.V1;
using Mesh.Orders.V1;
using Mesh.Users.V1;

namespace Mesh.Container.Tests;

/// <summary>The containers work as a mesh: orders reaches users and inventory by name on the network.</summary>
[Collection(MeshContainersCollection.Name)]
public sealed class PlaceOrderTests(MeshContainers mesh)
{
    [ContainerFact]
    public async Task PlaceOrder_ThroughContainerMesh_ConfirmsOrderAndTakesStock()
    {
        using var usersChannel = mesh.Channel(ServiceImage.Users);
        using var inventoryChannel = mesh.Channel(ServiceImage.Inventory);
        using var ordersChannel = mesh.Channel(ServiceImage.Orders);
        var users = new UserService.UserServiceClient(usersChannel);
        var inventory = new InventoryService.InventoryServiceClient(inventoryChannel);
        var orders = new OrderService.OrderServiceClient(ordersChannel);
        var unique = Guid.NewGuid().ToString("N")[..12];
        var user = (await users.CreateUserAsync(
            new CreateUserRequest { RequestId = Guid.NewGuid().ToString(), Email = $"container-{unique}@mesh.dev", DisplayName = "Container Test" },
            deadline: Deadlines.Call())).User;
        var sku = "CT-" + unique.ToUpperInvariant();
        await inventory.CreateItemAsync(
            new CreateItemRequest
            {
                Sku = sku,
                Name = "Container test item",
                UnitPrice = new Money { CurrencyCode = "USD", AmountMinor = 1250 },
                InitialQuantity = 10,
            },
            deadline: Deadlines.Call());

        var placed = (await orders.PlaceOrderAsync(
            new PlaceOrderRequest
            {
                RequestId = Guid.NewGuid().ToString(),
                UserId = user.UserId,
                Lines = { new PlaceOrderLine { Sku = sku, Quantity = 2 } },
            },
            deadline: Deadlines.Call())).Order;
        var stock = (await inventory.GetItemAsync(new GetItemRequest { Sku = sku }, deadline: Deadlines.Call())).Item;

        Assert.Equal(OrderState.Confirmed, placed.State);
        Assert.Equal(user.UserId, placed.UserId);
        Assert.Equal(new Money { CurrencyCode = "USD", AmountMinor = 2500 }, placed.Total);
        Assert.Equal(8, stock.AvailableQuantity);
    }

    [ContainerFact]
    public async Task CreateUser_DecomposedDisplayName_StoresComposedFormFromRuntimeImageIcu()
    {
        // NFC normalisation needs ICU in the runtime image (the app does not run globalization-invariant).
        using var channel = mesh.Channel(ServiceImage.Users);
        var users = new UserService.UserServiceClient(channel);
        var unique = Guid.NewGuid().ToString("N")[..12];

        var user = (await users.CreateUserAsync(
            new CreateUserRequest { RequestId = Guid.NewGuid().ToString(), Email = $"icu-{unique}@mesh.dev", DisplayName = "Ame\u0301lie Zoe\u0308" },
            deadline: Deadlines.Call())).User;

        Assert.Equal("Am\u00e9lie Zo\u00eb", user.DisplayName);
    }
}
