using System.Diagnostics;
using Mesh.ServiceDefaults.Storage;
using Mesh.Storage;
using Mesh.Testing;
using Mesh.Testing.Postgres;
using Mesh.Users.Tests.Support;
using Mesh.Users.V1;
using Xunit;

namespace Mesh.Users.Tests.Feeds;

/// <summary>Two users hosts (replicas) on one PostgreSQL database: the feed spans them.</summary>
public sealed class PostgresReplicaWatchTests
{
    // Far above the bound below, and the hosts' manual clocks never advance: only NOTIFY can wake replica B.
    private const string NoHeartbeats = "00:10:00";
    private static readonly TimeSpan Promptly = TimeSpan.FromSeconds(5);

    [PostgresFact]
    public async Task WatchUsers_ChangesWrittenThroughReplicaA_ReachSubscriberOnReplicaBPromptly()
    {
        await using var storage = await UsersTestStorage.CreateAsync(StorageProvider.Postgres);
        using var replicaA = storage.StartHost();
        using var replicaB = storage.StartHost(settings: ("Mesh:Feeds:HeartbeatInterval", NoHeartbeats));
        using var reader = new UserFeedReader(replicaB.Client, afterSequence: 0);
        Assert.Empty(await reader.ReadUntilHeartbeatAsync());

        var created = await WithinAsync(reader, 1, () => replicaA.CreateUserAsync());
        var renamed = await WithinAsync(reader, 2, async () =>
            (await replicaA.Client.UpdateUserAsync(new UpdateUserRequest { UserId = created.UserId, DisplayName = "Renamed" })).User);
        var deactivated = await WithinAsync(reader, 3, async () =>
            (await replicaA.Client.DeactivateUserAsync(new DeactivateUserRequest { UserId = created.UserId })).User);

        Assert.Equal([1L, 2, 3], reader.Events.Select(e => e.Sequence));
        Assert.Equal([created, renamed, deactivated], reader.Events.Select(e => e.User));
        Assert.Equal(deactivated, (await replicaB.Client.GetUserAsync(new GetUserRequest { UserId = created.UserId })).User);
    }

    /// <summary>Runs <paramref name="write"/> on replica A and asserts replica B's subscriber has event <paramref name="count"/> within <see cref="Promptly"/>.</summary>
    private static async Task<User> WithinAsync(UserFeedReader reader, int count, Func<Task<User>> write)
    {
        var user = await write();
        var clock = Stopwatch.StartNew();
        await reader.ReadUntilAsync(r => r.Events.Count >= count);
        Assert.True(clock.Elapsed < Promptly, $"event {count} reached replica B after {clock.Elapsed}, not within {Promptly}");
        return user;
    }
}
