using Grpc.Core;
using Grpc.Health.V1;
using Mesh.Common.V1;
using Mesh.Testing;
using Mesh.Users.Tests.Support;
using Mesh.Users.V1;
using Microsoft.Data.Sqlite;
using Xunit;

namespace Mesh.Users.Tests.Hosting;

public sealed class PersistenceTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("mesh-users-restart-");

    [Fact]
    public async Task Host_RestartedOnSameDatabaseFile_KeepsUsersAndIdempotencyKeys()
    {
        var path = Path.Combine(_directory.FullName, "users.db");
        var request = new CreateUserRequest { RequestId = TestData.NewRequestId(), Email = TestData.UniqueEmail(), DisplayName = "Before Restart" };
        User created;
        User deactivated;
        using (var first = UsersHost.OnDatabase(path))
        {
            created = (await first.Client.CreateUserAsync(request)).User;
            deactivated = (await first.Client.DeactivateUserAsync(new DeactivateUserRequest { UserId = (await first.CreateUserAsync()).UserId })).User;
        }

        // Drop pooled handles so the second host really reopens the file.
        SqliteConnection.ClearAllPools();
        using var second = UsersHost.OnDatabase(path);

        Assert.Equal(created, (await second.Client.GetUserAsync(new GetUserRequest { UserId = created.UserId })).User);
        Assert.Equal(deactivated, (await second.Client.GetUserAsync(new GetUserRequest { UserId = deactivated.UserId })).User);
        Assert.Equal(created, (await second.Client.CreateUserAsync(request)).User);
        var listed = await second.Client.ListUsersAsync(new ListUsersRequest { Page = new PageRequest { PageSize = 10 } });
        Assert.Equal([created, deactivated], listed.Users);
    }

    [Fact]
    public async Task Host_DatabaseFileDeletedWhileServing_CallsFailAndRestartServesAFreshDatabase()
    {
        var path = Path.Combine(_directory.FullName, "users.db");
        var readiness = new HealthCheckRequest { Service = "readiness" };
        string userId;
        using (var first = UsersHost.OnDatabase(path))
        {
            // Reads and writes have opened the service's long-lived connections.
            userId = (await first.CreateUserAsync()).UserId;
            await first.Client.GetUserAsync(new GetUserRequest { UserId = userId });

            foreach (var suffix in new[] { "", "-wal", "-shm" })
            {
                File.Delete(path + suffix);
            }

            await RpcAssert.FailsAsync(StatusCode.Unavailable, () => first.Client.GetUserAsync(new GetUserRequest { UserId = userId }).ResponseAsync);
            await RpcAssert.FailsAsync(StatusCode.Unavailable, () => first.CreateUserAsync());
            var health = new Health.HealthClient(first.Channel);
            await Eventually.HoldsAsync(
                async () => (await health.CheckAsync(readiness)).Status == HealthCheckResponse.Types.ServingStatus.NotServing,
                "readiness reports NOT_SERVING");
            Assert.False(File.Exists(path));
        }

        using var second = UsersHost.OnDatabase(path);

        var secondHealth = new Health.HealthClient(second.Channel);
        await Eventually.HoldsAsync(
            async () => (await secondHealth.CheckAsync(readiness)).Status == HealthCheckResponse.Types.ServingStatus.Serving,
            "the restarted host reports SERVING");
        await RpcAssert.FailsAsync(StatusCode.NotFound, () => second.Client.GetUserAsync(new GetUserRequest { UserId = userId }).ResponseAsync);
        var recreated = await second.CreateUserAsync();
        Assert.Equal(recreated, (await second.Client.GetUserAsync(new GetUserRequest { UserId = recreated.UserId })).User);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _directory.Delete(recursive: true);
    }
}
