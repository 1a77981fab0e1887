using Mesh.Common.V1;
using Mesh.Inventory.V1;
using Mesh.Launcher;
using Mesh.Orders.V1;
using Mesh.Users.V1;

namespace Mesh.CrossService.Tests;

/// <summary>PlaceOrder across the three real processes: user check, pricing, reserve and commit.</summary>
[Collection(MeshCollection.Name)]
public sealed class PlaceOrderSagaTests(MeshFixture fixture)
{
    [Fact]
    public async Task PlaceOrder_ActiveUserAndStock_ConfirmsOrderAndTakesStock()
    {
        using var usersChannel = fixture.Channel(MeshService.Users);
        using var inventoryChannel = fixture.Channel(MeshService.Inventory);
        using var ordersChannel = fixture.Channel(MeshService.Orders);
        var users = new UserService.UserServiceClient(usersChannel);
        var inventory = new InventoryService.InventoryServiceClient(inventoryChannel);
        var orders = new OrderService.OrderServiceClient(ordersChannel);
        var user = await TestData.CreateUserAsync(users);
        var item = await TestData.CreateItemAsync(inventory, priceMinor: 250, quantity: 10);

        var placed = (await orders.PlaceOrderAsync(
            TestData.PlaceRequest(user.UserId, item.Sku, 3),
            deadline: Deadlines.Call())).Order;
        var fetched = (await orders.GetOrderAsync(new GetOrderRequest { OrderId = placed.OrderId }, deadline: Deadlines.Call())).Order;
        var stock = (await inventory.GetItemAsync(new GetItemRequest { Sku = item.Sku }, deadline: Deadlines.Call())).Item;

        Assert.Equal(OrderState.Confirmed, placed.State);
        Assert.Equal(new Money { CurrencyCode = "USD", AmountMinor = 750 }, placed.Total);
        Assert.Equal(placed, fetched);
        Assert.Equal(user.UserId, fetched.UserId);
        Assert.Equal(7, stock.AvailableQuantity);
        Assert.Equal(0, stock.ReservedQuantity);
    }
}
