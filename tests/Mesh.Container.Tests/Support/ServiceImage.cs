namespace Mesh.Container.Tests.Support;

/// <summary>One service image: its short name (also its DNS alias on the test network), project and gRPC service.</summary>
public sealed record ServiceImage(string Name, string Project, string GrpcServiceName)
{
    /// <summary>users</summary>
    public static readonly ServiceImage Users = new("users", "Mesh.Users", "mesh.users.v1.UserService");

    /// <summary>inventory</summary>
    public static readonly ServiceImage Inventory = new("inventory", "Mesh.Inventory", "mesh.inventory.v1.InventoryService");

    /// <summary>orders (calls users and inventory)</summary>
    public static readonly ServiceImage Orders = new("orders", "Mesh.Orders", "mesh.orders.v1.OrderService");

    /// <summary>All three, in start order.</summary>
    public static IReadOnlyList<ServiceImage> All { get; } = [Users, Inventory, Orders];

    /// <summary>Looks one up by its short name.</summary>
    public static ServiceImage Named(string name) => All.Single(image => image.Name == name);

    /// <inheritdoc />
    public override string ToString() => Name;
}
