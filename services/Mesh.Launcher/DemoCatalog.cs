using Mesh.Common.V1;
using Mesh.Inventory.V1;
using Mesh.Users.V1;

namespace Mesh.Launcher;

/// <summary>
/// The demo data the launcher seeds. Every request is fixed, so seeding again returns what the
/// first run created: CreateUser is idempotent per request_id, CreateItem per identical fields.
/// </summary>
public static class DemoCatalog
{
    /// <summary>Fixed idempotency key of the demo user ("mesh" in the first group).</summary>
    public const string UserRequestId = "6d657368-0000-4000-8000-000000000001";

    /// <summary>Email of the demo user.</summary>
    public const string UserEmail = "demo@mesh.dev";

    /// <summary>Display name of the demo user.</summary>
    public const string UserDisplayName = "Demo User";

    /// <summary>Currency of every demo price.</summary>
    public const string Currency = "USD";

    /// <summary>The request that creates the demo user.</summary>
    public static CreateUserRequest UserRequest() => new()
    {
        RequestId = UserRequestId,
        Email = UserEmail,
        DisplayName = UserDisplayName,
    };

    /// <summary>The requests that create the demo catalog, one per item.</summary>
    public static IReadOnlyList<CreateItemRequest> ItemRequests() =>
    [
        Item("MESH-MUG", "Mesh Mug", 1200, 100),
        Item("MESH-TEE", "Mesh T-Shirt", 2000, 50),
        Item("MESH-STICKER", "Mesh Sticker Pack", 300, 500),
        Item("MESH-HOODIE", "Mesh Hoodie", 4500, 20),
    ];

    private static CreateItemRequest Item(string sku, string name, long priceMinor, long quantity) => new()
    {
        Sku = sku,
        Name = name,
        UnitPrice = new Money { CurrencyCode = Currency, AmountMinor = priceMinor },
        InitialQuantity = quantity,
    };
}
