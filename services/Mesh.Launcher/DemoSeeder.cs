using Grpc.Core;
using Grpc.Net.Client;
using Mesh.Inventory.V1;
using Mesh.Users.V1;

namespace Mesh.Launcher;

/// <summary>Creates the demo user and catalog; safe to run on every start.</summary>
public static class DemoSeeder
{
    private static readonly TimeSpan CallDeadline = TimeSpan.FromSeconds(10);

    /// <summary>Seeds through the users and inventory services at the given addresses.</summary>
    /// <exception cref="DemoDataConflictException">Stored data conflicts with the demo data.</exception>
    public static Task<DemoData> SeedAsync(Uri usersAddress, Uri inventoryAddress, CancellationToken cancellationToken) =>
        SeedAsync(usersAddress, inventoryAddress, bearerToken: null, cancellationToken);

    /// <summary>
    /// Seeds as the holder of <paramref name="bearerToken"/>: with access control on, creating items
    /// takes the admin role. Null sends no token (access control off).
    /// </summary>
    /// <exception cref="DemoDataConflictException">Stored data conflicts with the demo data.</exception>
    public static async Task<DemoData> SeedAsync(Uri usersAddress, Uri inventoryAddress, string? bearerToken, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(usersAddress);
        ArgumentNullException.ThrowIfNull(inventoryAddress);
        var headers = bearerToken is null ? null : new Metadata { { "authorization", "Bearer " + bearerToken } };

        using var usersChannel = GrpcChannel.ForAddress(usersAddress);
        using var inventoryChannel = GrpcChannel.ForAddress(inventoryAddress);
        var users = new UserService.UserServiceClient(usersChannel);
        var inventory = new InventoryService.InventoryServiceClient(inventoryChannel);

        var userRequest = DemoCatalog.UserRequest();
        var user = await CallAsync(
            $"the demo user {userRequest.Email}",
            () => users.CreateUserAsync(userRequest, headers, Deadline(), cancellationToken: cancellationToken).ResponseAsync).ConfigureAwait(false);

        var items = new List<Item>();
        foreach (var itemRequest in DemoCatalog.ItemRequests())
        {
            var created = await CallAsync(
                $"the demo item {itemRequest.Sku}",
                () => inventory.CreateItemAsync(itemRequest, headers, Deadline(), cancellationToken: cancellationToken).ResponseAsync).ConfigureAwait(false);
            items.Add(created.Item);
        }

        return new DemoData(user.User, items);
    }

    private static DateTime Deadline() => DateTime.UtcNow.Add(CallDeadline);

    private static async Task<T> CallAsync<T>(string what, Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (RpcException exception) when (exception.StatusCode == StatusCode.AlreadyExists)
        {
            throw new DemoDataConflictException(
                $"Seeding {what} was refused with ALREADY_EXISTS ({exception.Status.Detail}): the stored data " +
                "differs from the demo data, so someone changed it. Run with --no-seed to keep it, or delete " +
                "the data folder to start fresh.",
                exception);
        }
    }
}
