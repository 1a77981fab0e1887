namespace Mesh.Launcher;

/// <summary>The banner printed once the mesh is up: endpoints and grpcurl commands to paste.</summary>
public static class GrpcurlHints
{
    /// <summary>The banner lines for a running mesh; <paramref name="newRequestId"/> keys the example order.</summary>
    public static IReadOnlyList<string> For(MeshLauncher mesh, Guid newRequestId)
    {
        ArgumentNullException.ThrowIfNull(mesh);
        var options = mesh.Options;
        string HostPort(MeshService service) => $"127.0.0.1:{options.PortOf(service)}";

        var lines = new List<string>
        {
            "",
            $"Mesh is running. Data: {options.DataDirectory} (users.db, inventory.db, orders.db)",
        };
        lines.AddRange(MeshServiceInfo.All.Select(info =>
            $"  {info.Name,-9}  {HostPort(info.Service),-15}  {info.GrpcServiceName}"));

        var userId = mesh.Demo?.User.UserId ?? "<a user_id from CreateUser>";
        var sku = mesh.Demo?.Items.FirstOrDefault()?.Sku ?? "MESH-MUG";
        var orders = HostPort(MeshService.Orders);
        lines.AddRange(
        [
            "",
            "Try it with grpcurl (plaintext h2c, server reflection):",
            $"  grpcurl -plaintext {orders} list",
            $"  grpcurl -plaintext {orders} describe mesh.orders.v1.OrderService",
            $"  grpcurl -plaintext -d '{{\"service\":\"readiness\"}}' {orders} grpc.health.v1.Health/Check",
            $"  grpcurl -plaintext {HostPort(MeshService.Inventory)} mesh.inventory.v1.InventoryService/ListItems",
            $"  grpcurl -plaintext -d '{{\"user_id\":\"{userId}\"}}' {HostPort(MeshService.Users)} mesh.users.v1.UserService/GetUser",
            $"  grpcurl -plaintext -d '{{\"request_id\":\"{newRequestId}\",\"user_id\":\"{userId}\",\"lines\":[{{\"sku\":\"{sku}\",\"quantity\":1}}]}}' {orders} mesh.orders.v1.OrderService/PlaceOrder",
            $"  grpcurl -plaintext -d '{{\"order_id\":\"<order_id from PlaceOrder>\"}}' {orders} mesh.orders.v1.OrderService/GetOrder",
            "",
            "Press Ctrl-C to stop.",
        ]);
        return lines;
    }
}
