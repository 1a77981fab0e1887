using Grpc.Core;
using Mesh.Common.V1;
using Mesh.Inventory.V1;
using Mesh.Users.V1;

namespace Mesh.Bench.Setup;

/// <summary>
/// The users and items the scenarios use, created through the public API with names unique to
/// the run (so a run against someone's running mesh never collides with earlier data). Stock is
/// the largest the API allows, so no order is refused for want of it.
/// </summary>
public sealed record BenchData(IReadOnlyList<string> UserIds, string ProbeUserId, IReadOnlyList<string> Skus, string FeedSku)
{
    private const int UserCount = 16;
    private const int ItemCount = 8;
    private const long Stock = 1_000_000_000;

    /// <param name="headers">Sent with every call (an admin's bearer token when access control is on).</param>
    public static async Task<BenchData> CreateAsync(MeshTarget mesh, CancellationToken cancellationToken, Metadata? headers = null)
    {
        ArgumentNullException.ThrowIfNull(mesh);
        var run = Guid.NewGuid().ToString("N")[..8];
        var users = new UserService.UserServiceClient(mesh.Channel(MeshTarget.UsersName));
        var inventory = new InventoryService.InventoryServiceClient(mesh.Channel(MeshTarget.InventoryName));

        var userIds = new List<string>();
        // One more than the load uses: the h2load probe user never orders, so its GetUser answer keeps one size.
        for (var i = 0; i <= UserCount; i++)
        {
            var reply = await users.CreateUserAsync(
                new CreateUserRequest { RequestId = Guid.NewGuid().ToString(), Email = $"bench-{run}-{i}@bench.mesh.dev", DisplayName = $"Bench User {i}" },
                headers, Deadline(), cancellationToken).ResponseAsync.ConfigureAwait(false);
            userIds.Add(reply.User.UserId);
        }

        var skus = new List<string>();
        for (var i = 0; i <= ItemCount; i++)
        {
            var sku = $"BENCH-{run}-{i}".ToUpperInvariant();
            await inventory.CreateItemAsync(
                new CreateItemRequest
                {
                    Sku = sku,
                    Name = $"Bench item {i}",
                    UnitPrice = new Money { CurrencyCode = "USD", AmountMinor = 100 + i },
                    InitialQuantity = Stock,
                },
                headers, Deadline(), cancellationToken).ResponseAsync.ConfigureAwait(false);
            skus.Add(sku);
        }

        // The last item is the feed's: its stock changes only through the feed scenario's writer.
        return new BenchData(userIds[..UserCount], userIds[UserCount], skus[..ItemCount], skus[ItemCount]);
    }

    private static DateTime Deadline() => DateTime.UtcNow.AddSeconds(10);
}
