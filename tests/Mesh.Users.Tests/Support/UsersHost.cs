using Google.Rpc;
using Grpc.Core;
using Grpc.Net.Client;
using Mesh.Testing;
using Mesh.Users.Api;
using Mesh.Users.V1;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Mesh.Users.Tests.Support;

/// <summary>
/// The users service in-process on its own database, with a manual clock and a client over a
/// real GrpcChannel. The Rejects* helpers also prove a refused call left the stored data alone.
/// </summary>
public sealed class UsersHost : IDisposable
{
    public UsersHost()
        : this(databasePath: null)
    {
    }

    private UsersHost(string? databasePath)
    {
        Factory = new MeshServiceFactory<UserGrpcService>()
            .WithServices(services => services.AddSingleton<TimeProvider>(Time));
        if (databasePath is not null)
        {
            Factory.WithSetting("Mesh:Storage:Path", databasePath);
        }

        DatabasePath = databasePath ?? Factory.DatabasePath;
        Channel = Factory.CreateChannel();
        Client = new UserService.UserServiceClient(Channel);
    }

    /// <summary>A host on a database file the test owns, e.g. to restart on the same data.</summary>
    public static UsersHost OnDatabase(string databasePath) => new(databasePath);

    public MeshServiceFactory<UserGrpcService> Factory { get; }

    public ManualTimeProvider Time { get; } = new(ManualTimeProvider.DefaultStart);

    public GrpcChannel Channel { get; }

    public UserService.UserServiceClient Client { get; }

    public string DatabasePath { get; }

    public async Task<User> CreateUserAsync(string? email = null, string displayName = "Ada Lovelace", string? requestId = null)
    {
        var response = await Client.CreateUserAsync(new CreateUserRequest
        {
            RequestId = requestId ?? TestData.NewRequestId(),
            Email = email ?? TestData.UniqueEmail(),
            DisplayName = displayName,
        });
        return response.User;
    }

    public Task<string> SnapshotAsync() => StoredUsers.SnapshotAsync(DatabasePath);

    /// <summary>Asserts <paramref name="call"/> fails with <paramref name="code"/> and changed no stored data.</summary>
    public async Task<RpcException> RejectsAsync(StatusCode code, Func<Task> call)
    {
        var before = await SnapshotAsync();
        var exception = await RpcAssert.FailsAsync(code, call);
        Assert.Equal(before, await SnapshotAsync());
        return exception;
    }

    /// <summary>Asserts INVALID_ARGUMENT naming <paramref name="field"/>, and no stored data changed.</summary>
    public async Task<BadRequest> RejectsFieldAsync(string field, Func<Task> call)
    {
        var before = await SnapshotAsync();
        var badRequest = await RpcAssert.InvalidFieldAsync(field, call);
        Assert.Equal(before, await SnapshotAsync());
        return badRequest;
    }

    public void Dispose()
    {
        Channel.Dispose();
        Factory.Dispose();
    }
}
