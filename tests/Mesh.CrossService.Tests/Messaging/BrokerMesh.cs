using Mesh.Launcher;
using Mesh.Testing;
using Mesh.Users.V1;

namespace Mesh.CrossService.Tests.Messaging;

/// <summary>The launcher's mesh as the broker tests run it, and what they read back from it.</summary>
internal static class BrokerMesh
{
    /// <summary>
    /// Every service relays to <paramref name="exchange"/> on <paramref name="url"/> (its own
    /// dead-letter exchange beside it), users keeps its order statistics from
    /// <paramref name="usersQueue"/>; free ports, no demo data, output discarded.
    /// </summary>
    public static MeshLauncherOptions Options(string url, string exchange, string usersQueue, string dataDirectory)
    {
        var shared = new Dictionary<string, string?>
        {
            ["Mesh__Messaging__Exchange"] = exchange,
            ["Mesh__Messaging__DeadLetterExchange"] = exchange + ".dead-letter",
        };
        return MeshLauncherOptions.OnPorts(FreePorts.Take(6)) with
        {
            DataDirectory = dataDirectory,
            BrokerUrl = url,
            Seed = false,
            StartTimeout = TimeSpan.FromSeconds(90),
            Output = _ => { },
            Environment = new Dictionary<MeshService, IReadOnlyDictionary<string, string?>>
            {
                [MeshService.Users] = new Dictionary<string, string?>(shared)
                {
                    ["Mesh__Users__OrderStats__Transport"] = "broker",
                    ["Mesh__Users__OrderStats__Queue"] = usersQueue,
                },
                [MeshService.Inventory] = shared,
                [MeshService.Orders] = shared,
            },
        };
    }

    /// <summary>The order statistics users reports for <paramref name="userId"/>.</summary>
    public static async Task<OrderStats> StatsAsync(UserService.UserServiceClient users, string userId) =>
        (await users.GetUserAsync(new GetUserRequest { UserId = userId }, deadline: Deadlines.Call())).OrderStats;
}
