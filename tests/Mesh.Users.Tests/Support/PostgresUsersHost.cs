using Mesh.Storage;
using Mesh.Testing.Postgres;
using Xunit;

namespace Mesh.Users.Tests.Support;

/// <summary>A class fixture: one users host on its own PostgreSQL database, shared by a test class's tests.</summary>
public sealed class PostgresUsersHost : IAsyncLifetime
{
    private UsersTestStorage? _storage;
    private UsersHost? _host;

    public UsersHost Host => _host ?? throw new InvalidOperationException("The PostgreSQL users host was not started.");

    public async Task InitializeAsync()
    {
        if (PostgresServer.SkipReason is not null)
        {
            return; // the class's tests are skipped and never ask for the host
        }

        _storage = await UsersTestStorage.CreateAsync(StorageProvider.Postgres);
        _host = _storage.StartHost();
    }

    public async Task DisposeAsync()
    {
        _host?.Dispose();
        if (_storage is not null)
        {
            await _storage.DisposeAsync();
        }
    }
}
