using Mesh.Common.V1;
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

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _directory.Delete(recursive: true);
    }
}
