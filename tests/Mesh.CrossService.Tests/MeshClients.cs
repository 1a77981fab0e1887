using Grpc.Net.Client;
using Mesh.Inventory.V1;
using Mesh.Launcher;
using Mesh.Orders.V1;
using Mesh.Users.V1;

namespace Mesh.CrossService.Tests;

/// <summary>A gRPC client of each service of a launcher's mesh, one channel each; disposing closes the channels.</summary>
internal sealed class MeshClients : IDisposable
{
    private readonly GrpcChannel _users;
    private readonly GrpcChannel _inventory;
    private readonly GrpcChannel _orders;

    public MeshClients(MeshLauncher mesh)
    {
        ArgumentNullException.ThrowIfNull(mesh);
        _users = GrpcChannel.ForAddress(mesh.AddressOf(MeshService.Users));
        _inventory = GrpcChannel.ForAddress(mesh.AddressOf(MeshService.Inventory));
        _orders = GrpcChannel.ForAddress(mesh.AddressOf(MeshService.Orders));
        Users = new UserService.UserServiceClient(_users);
        Inventory = new InventoryService.InventoryServiceClient(_inventory);
        Orders = new OrderService.OrderServiceClient(_orders);
    }

    public UserService.UserServiceClient Users { get; }

    public InventoryService.InventoryServiceClient Inventory { get; }

    public OrderService.OrderServiceClient Orders { get; }

    public void Dispose()
    {
        _users.Dispose();
        _inventory.Dispose();
        _orders.Dispose();
    }
}
