using Mesh.Orders.Feeds;
using Mesh.Orders.Storage;
using Mesh.Storage.Sqlite;

namespace Mesh.Orders.Tests.Storage;

/// <summary>Orders storage on a SQLite file in a temporary folder; both "replicas" are the one process SQLite serves.</summary>
public sealed class SqliteOrdersStorageHarness : OrdersStorageHarness
{
    private readonly string _directory;
    private readonly SqliteDatabase _database;

    private SqliteOrdersStorageHarness(string directory, SqliteDatabase database, SqliteEventLog log)
        : base(database, log, database, log)
    {
        _directory = directory;
        _database = database;
    }

    protected override string AuditTriggers => """
        CREATE TABLE catalog_writes (sku TEXT NOT NULL, sequence INTEGER NOT NULL);
        CREATE TRIGGER catalog_items_inserted AFTER INSERT ON catalog_items
        BEGIN INSERT INTO catalog_writes VALUES (NEW.sku, NEW.sequence); END;
        CREATE TRIGGER catalog_items_updated AFTER UPDATE ON catalog_items
        BEGIN INSERT INTO catalog_writes VALUES (NEW.sku, NEW.sequence); END;
        """;

    public static async Task<SqliteOrdersStorageHarness> CreateAsync()
    {
        var directory = Directory.CreateTempSubdirectory("mesh-orders-storage-").FullName;
        var database = new SqliteDatabase(Path.Combine(directory, "orders.db"));
        await database.MigrateAsync(OrdersSchema.Sqlite.Migrations);
        return new SqliteOrdersStorageHarness(directory, database, new SqliteEventLog(database, OrderEvents.LogName));
    }

    public override ValueTask DisposeAsync()
    {
        _database.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
        return ValueTask.CompletedTask;
    }
}
