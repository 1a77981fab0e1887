namespace Mesh.Launcher;

/// <summary>The three services of the mesh, in the order they are started.</summary>
public enum MeshService
{
    /// <summary>mesh.users.v1.UserService (default ports 5001 gRPC, 5101 HTTP).</summary>
    Users,

    /// <summary>mesh.inventory.v1.InventoryService (default ports 5002 gRPC, 5102 HTTP).</summary>
    Inventory,

    /// <summary>mesh.orders.v1.OrderService (default ports 5003 gRPC, 5103 HTTP); calls users and inventory.</summary>
    Orders,
}
