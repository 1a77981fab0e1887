using Mesh.Storage.Postgres;
using Mesh.Storage.Sqlite;
using Mesh.Testing.Postgres;

namespace Mesh.Storage.Tests;

/// <summary>A <see cref="StoreDatabase"/> of one provider over a fresh database holding a small table, cursors and an event log.</summary>
public sealed class StoreHarness : IAsyncDisposable
{
    public const string LogName = "things";

    private readonly Func<ValueTask> _dispose;
    private readonly Func<StoreDatabase> _openReplica;
    private readonly List<IDisposable> _replicas = [];

    private StoreHarness(StoreDatabase database, IEventLog log, Func<StoreDatabase> openReplica, Func<ValueTask> dispose)
    {
        Database = database;
        Log = log;
        _openReplica = openReplica;
        _dispose = dispose;
    }

    public StoreDatabase Database { get; }

    public IEventLog Log { get; }

    public static async Task<StoreHarness> CreateAsync(StorageProvider provider)
    {
        if (provider == StorageProvider.Sqlite)
        {
            var directory = Directory.CreateTempSubdirectory("mesh-store-");
            var sqlite = new SqliteDatabase(Path.Combine(directory.FullName, "store.db"));
            await sqlite.MigrateAsync([
                "CREATE TABLE things (id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, n INTEGER NOT NULL) STRICT;",
                ConsumerCursors.SqliteMigration,
                SqliteEventLog.Migration(LogName),
            ]);
            return new StoreHarness(sqlite, new SqliteEventLog(sqlite, LogName), () => new SqliteDatabase(sqlite.Path), () =>
            {
                sqlite.Dispose();
                directory.Delete(recursive: true);
                return ValueTask.CompletedTask;
            });
        }

        var testDatabase = await PostgresServer.CreateDatabaseAsync();
        var postgres = new PostgresDatabase(testDatabase.ConnectionString);
        await postgres.MigrateAsync([
            "CREATE TABLE things (id text PRIMARY KEY, name text NOT NULL UNIQUE, n bigint NOT NULL);",
            ConsumerCursors.PostgresMigration,
            PostgresEventLog.Migration(LogName),
        ]);
        var log = new PostgresEventLog(postgres, LogName);
        return new StoreHarness(postgres, log, () => new PostgresDatabase(testDatabase.ConnectionString), async () =>
        {
            await log.DisposeAsync();
            await postgres.DisposeAsync();
            await testDatabase.DisposeAsync();
        });
    }

    /// <summary>
    /// Another database object over the same data, with its own connections: a second process
    /// (SQLite) or a second replica's pool (PostgreSQL). Disposed with the harness.
    /// </summary>
    public StoreDatabase OpenReplica()
    {
        var replica = _openReplica();
        _replicas.Add((IDisposable)replica);
        return replica;
    }

    public Task InsertAsync(StoreSession session, string id, string name, long n = 0) =>
        session.ExecuteAsync("INSERT INTO things (id, name, n) VALUES (@id, @name, @n);", new { id, name, n });

    public Task<long> CountAsync() =>
        Database.ReadAsync(session => session.ExecuteScalarAsync<long>("SELECT count(*) FROM things;"), CancellationToken.None);

    public ValueTask DisposeAsync()
    {
        _replicas.ForEach(replica => replica.Dispose());
        return _dispose();
    }
}
