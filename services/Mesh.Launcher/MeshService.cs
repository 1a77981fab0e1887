namespace Mesh.Launcher;

/// <summary>The three services of the mesh, in the order they are started.</summary>
public enum MeshService
{
    /// <summary>mesh.users.v1.UserService (default port 5001).</summary>
    Users,

    /// <summary>mesh.inventory.v1.InventoryService (default port 5002).</summary>
    Inventory,

    /// <summary>mesh.orders.v1.OrderService (default port 5003); calls users and inventory.</summary>
    Orders,
}
