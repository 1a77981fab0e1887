using Mesh.Storage;
using Mesh.Testing.Postgres;
using Microsoft.Data.Sqlite;

namespace Mesh.Users.Tests.Support;

/// <summary>
/// One empty users database for a test: a SQLite file in a temporary folder, or a fresh
/// PostgreSQL database (dropped on dispose). Hosts and repository sets opened on it share its
/// data, as replicas (or restarts) of the service would.
/// </summary>
public sealed class UsersTestStorage : IAsyncDisposable
{
    private readonly DirectoryInfo _directory;
    private readonly PostgresServer.TestDatabase? _postgres;

    private UsersTestStorage(DirectoryInfo directory, PostgresServer.TestDatabase? postgres)
    {
        _directory = directory;
        _postgres = postgres;
    }

    public StorageProvider Provider => _postgres is null ? StorageProvider.Sqlite : StorageProvider.Postgres;

    /// <summary>The SQLite file (also set, unused, on PostgreSQL).</summary>
    public string SqlitePath => Path.Combine(_directory.FullName, "users.db");

    /// <summary>The PostgreSQL database's connection string, or null on SQLite.</summary>
    public string? PostgresConnectionString => _postgres?.ConnectionString;

    public static async Task<UsersTestStorage> CreateAsync(StorageProvider provider)
    {
        var postgres = provider == StorageProvider.Postgres ? await PostgresServer.CreateDatabaseAsync() : null;
        return new UsersTestStorage(Directory.CreateTempSubdirectory("mesh-users-"), postgres);
    }

    /// <summary>An in-process users host on this database (a replica, or a restart when the previous one is gone).</summary>
    public UsersHost StartHost(FakeOrders? orders = null, bool realClock = false, params (string Key, string Value)[] settings) =>
        UsersHost.On(SqlitePath, PostgresConnectionString, orders, realClock, settings);

    /// <summary>The repositories on their own connection pool to this database, migrated: one more replica.</summary>
    public Task<UsersStore> OpenStoreAsync() =>
        PostgresConnectionString is { } postgres ? UsersStore.OpenPostgresAsync(postgres) : UsersStore.OpenSqliteAsync(SqlitePath);

    public async ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }

        try
        {
            _directory.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A pooled SQLite handle may still be closing; the OS temp cleaner gets it.
        }
    }
}
