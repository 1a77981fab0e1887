using Mesh.Orders.Feeds;
using Mesh.Orders.Storage;
using Mesh.Storage;
using Mesh.Storage.Sqlite;

namespace Mesh.Orders.Tests.Storage;

/// <summary>Orders storage on a SQLite file in a temporary folder; both "replicas" are the one process SQLite serves.</summary>
public sealed class SqliteOrdersStorageHarness : IOrdersStorageHarness
{
    private readonly string _directory;
    private readonly SqliteDatabase _database;

    private SqliteOrdersStorageHarness(string directory, SqliteDatabase database)
    {
        _directory = directory;
        _database = database;
        var log = new SqliteEventLog(database, OrderEvents.LogName);
        Log = log;
        Repository = new SqliteOrderRepository(database, log);
        SecondReplicaRepository = new SqliteOrderRepository(database, log);
        Cache = new SqliteCatalogCache(database, TimeProvider.System);
        SecondReplicaCache = new SqliteCatalogCache(database, TimeProvider.System);
        Cursors = new SqliteConsumerCursors(database);
    }

    public IOrderRepository Repository { get; }

    public IOrderRepository SecondReplicaRepository { get; }

    public ICatalogCache Cache { get; }

    public ICatalogCache SecondReplicaCache { get; }

    public IEventLog Log { get; }

    public IConsumerCursors Cursors { get; }

    public static async Task<SqliteOrdersStorageHarness> CreateAsync()
    {
        var directory = Directory.CreateTempSubdirectory("mesh-orders-storage-").FullName;
        var database = new SqliteDatabase(Path.Combine(directory, "orders.db"));
        await database.MigrateAsync(OrdersSchema.Sqlite.Migrations);
        return new SqliteOrdersStorageHarness(directory, database);
    }

    public Task AuditCatalogWritesAsync() =>
        _database.WriteAsync(async (connection, transaction) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = """
                CREATE TABLE catalog_writes (sku TEXT NOT NULL, sequence INTEGER NOT NULL);
                CREATE TRIGGER catalog_items_inserted AFTER INSERT ON catalog_items
                BEGIN INSERT INTO catalog_writes VALUES (NEW.sku, NEW.sequence); END;
                CREATE TRIGGER catalog_items_updated AFTER UPDATE ON catalog_items
                BEGIN INSERT INTO catalog_writes VALUES (NEW.sku, NEW.sequence); END;
                """;
            return await command.ExecuteNonQueryAsync();
        });

    public Task<IReadOnlyList<(string Sku, long Sequence)>> CatalogWritesAsync() =>
        _database.ReadAsync<IReadOnlyList<(string, long)>>(async connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT sku, sequence FROM catalog_writes;";
            var writes = new List<(string, long)>();
            using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                writes.Add((reader.GetString(0), reader.GetInt64(1)));
            }

            return writes;
        });

    public ValueTask DisposeAsync()
    {
        _database.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
        return ValueTask.CompletedTask;
    }
}
