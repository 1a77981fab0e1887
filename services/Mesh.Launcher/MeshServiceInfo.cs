namespace Mesh.Launcher;

/// <summary>The fixed facts about one service: names, default port and where its data lives.</summary>
public sealed record MeshServiceInfo(MeshService Service, string Name, string AssemblyName, string GrpcServiceName, int DefaultPort)
{
    /// <summary>Every service, indexed by <see cref="MeshService"/>.</summary>
    public static IReadOnlyList<MeshServiceInfo> All { get; } =
    [
        new(MeshService.Users, "users", "Mesh.Users", "mesh.users.v1.UserService", 5001),
        new(MeshService.Inventory, "inventory", "Mesh.Inventory", "mesh.inventory.v1.InventoryService", 5002),
        new(MeshService.Orders, "orders", "Mesh.Orders", "mesh.orders.v1.OrderService", 5003),
    ];

    /// <summary>SQLite file name inside the data folder, e.g. <c>users.db</c>.</summary>
    public string DatabaseFileName => Name + ".db";

    /// <summary>Prefix of this service's launcher environment variables, e.g. <c>MESH_USERS</c>.</summary>
    public string EnvironmentPrefix => "MESH_" + Name.ToUpperInvariant();

    /// <summary>The facts for one service.</summary>
    public static MeshServiceInfo Of(MeshService service) => All[(int)service];
}
