using Mesh.Common.V1;
using Mesh.Inventory.V1;
using Mesh.Orders.V1;
using Mesh.Users.V1;

namespace Mesh.CrossService.Tests;

/// <summary>Creates fresh, unique users and items so tests never depend on each other's data.</summary>
internal static class TestData
{
    /// <summary>Creates a new active user.</summary>
    public static async Task<User> CreateUserAsync(UserService.UserServiceClient users)
    {
        var unique = Guid.NewGuid().ToString("N")[..12];
        var reply = await users.CreateUserAsync(
            new CreateUserRequest
            {
                RequestId = Guid.NewGuid().ToString(),
                Email = $"test-{unique}@mesh.dev",
                DisplayName = $"Test User {unique}",
            },
            deadline: Deadlines.Call());
        return reply.User;
    }

    /// <summary>Creates a new item priced in USD with <paramref name="quantity"/> units on hand.</summary>
    public static async Task<Item> CreateItemAsync(InventoryService.InventoryServiceClient inventory, long priceMinor, long quantity)
    {
        var sku = "TEST-" + Guid.NewGuid().ToString("N")[..12].ToUpperInvariant();
        var reply = await inventory.CreateItemAsync(
            new CreateItemRequest
            {
                Sku = sku,
                Name = "Test item " + sku,
                UnitPrice = new Money { CurrencyCode = "USD", AmountMinor = priceMinor },
                InitialQuantity = quantity,
            },
            deadline: Deadlines.Call());
        return reply.Item;
    }

    /// <summary>A PlaceOrder request for one line, with a fresh request_id.</summary>
    public static PlaceOrderRequest PlaceRequest(string userId, string sku, long quantity) => new()
    {
        RequestId = Guid.NewGuid().ToString(),
        UserId = userId,
        Lines = { new PlaceOrderLine { Sku = sku, Quantity = quantity } },
    };
}
