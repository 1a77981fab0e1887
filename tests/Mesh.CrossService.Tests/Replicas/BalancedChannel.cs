using Grpc.Net.Client;
using Mesh.Inventory.V1;
using Mesh.Orders.V1;
using Mesh.ServiceDefaults.Clients;
using Mesh.Users.V1;

namespace Mesh.CrossService.Tests.Replicas;

/// <summary>
/// A client channel over every replica of a service, balanced and retried exactly as in-mesh
/// callers are (<see cref="MeshChannels"/>: health-aware round-robin over a <c>static:///</c> list,
/// UNAVAILABLE retried with backoff and a retry budget, within the deadline, for every method the
/// contracts declare idempotent). Five attempts rather than three: a test client rides out a whole
/// rolling restart.
/// </summary>
internal static class BalancedChannel
{
    public static GrpcChannel For(string endpointList) =>
        MeshChannels.Create(endpointList, new MeshClientOptions { MaxAttempts = 5 }, UserService.Descriptor, InventoryService.Descriptor, OrderService.Descriptor);
}
