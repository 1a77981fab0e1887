namespace Mesh.Launcher;

/// <summary>The fixed facts about one service: names, default ports and where its data lives.</summary>
public sealed record MeshServiceInfo(MeshService Service, string Name, string AssemblyName, string GrpcServiceName, int DefaultPort, int DefaultHttpPort)
{
    /// <summary>Every service, indexed by <see cref="MeshService"/>.</summary>
    public static IReadOnlyList<MeshServiceInfo> All { get; } =
    [
        new(MeshService.Users, "users", "Mesh.Users", "mesh.users.v1.UserService", 5001, 5101),
        new(MeshService.Inventory, "inventory", "Mesh.Inventory", "mesh.inventory.v1.InventoryService", 5002, 5102),
        new(MeshService.Orders, "orders", "Mesh.Orders", "mesh.orders.v1.OrderService", 5003, 5103),
    ];

    /// <summary>SQLite file name inside the data folder, e.g. <c>users.db</c>.</summary>
    public string DatabaseFileName => Name + ".db";

    /// <summary>Prefix of this service's launcher environment variables, e.g. <c>MESH_USERS</c>.</summary>
    public string EnvironmentPrefix => "MESH_" + Name.ToUpperInvariant();

    /// <summary>The flag that sets the gRPC port, e.g. <c>--users-port</c>.</summary>
    public string PortFlag => $"--{Name}-port";

    /// <summary>The variable that sets the gRPC port, e.g. <c>MESH_USERS_PORT</c>.</summary>
    public string PortVariable => EnvironmentPrefix + "_PORT";

    /// <summary>The flag that sets the HTTP port (REST, gRPC-Web, /docs), e.g. <c>--users-http-port</c>.</summary>
    public string HttpPortFlag => $"--{Name}-http-port";

    /// <summary>The variable that sets the HTTP port, e.g. <c>MESH_USERS_HTTP_PORT</c>.</summary>
    public string HttpPortVariable => EnvironmentPrefix + "_HTTP_PORT";

    /// <summary>The facts for one service.</summary>
    public static MeshServiceInfo Of(MeshService service) => All[(int)service];
}
