using Mesh.Orders.Feeds;
using Mesh.Orders.Storage;
using Mesh.Storage;
using Mesh.Storage.Postgres;
using Mesh.Testing.Postgres;
using Npgsql;

namespace Mesh.Orders.Tests.Storage;

/// <summary>Orders storage in a fresh PostgreSQL database; each replica has its own data source (connection pool) and log.</summary>
public sealed class PostgresOrdersStorageHarness : IOrdersStorageHarness
{
    private readonly PostgresServer.TestDatabase _testDatabase;
    private readonly PostgresDatabase _first;
    private readonly PostgresDatabase _second;
    private readonly PostgresEventLog _firstLog;
    private readonly PostgresEventLog _secondLog;

    private PostgresOrdersStorageHarness(PostgresServer.TestDatabase testDatabase, PostgresDatabase first, PostgresDatabase second)
    {
        _testDatabase = testDatabase;
        _first = first;
        _second = second;
        _firstLog = new PostgresEventLog(first, OrderEvents.LogName);
        _secondLog = new PostgresEventLog(second, OrderEvents.LogName);
        Repository = new PostgresOrderRepository(first, _firstLog);
        SecondReplicaRepository = new PostgresOrderRepository(second, _secondLog);
        Cache = new PostgresCatalogCache(first, TimeProvider.System);
        SecondReplicaCache = new PostgresCatalogCache(second, TimeProvider.System);
        Cursors = new PostgresConsumerCursors(first);
    }

    public IOrderRepository Repository { get; }

    public IOrderRepository SecondReplicaRepository { get; }

    public ICatalogCache Cache { get; }

    public ICatalogCache SecondReplicaCache { get; }

    public IEventLog Log => _firstLog;

    public IConsumerCursors Cursors { get; }

    public static async Task<PostgresOrdersStorageHarness> CreateAsync()
    {
        var testDatabase = await PostgresServer.CreateDatabaseAsync();
        var first = new PostgresDatabase(testDatabase.ConnectionString);
        var second = new PostgresDatabase(testDatabase.ConnectionString);
        await first.MigrateAsync(OrdersSchema.Postgres.Migrations);
        await second.MigrateAsync(OrdersSchema.Postgres.Migrations);
        return new PostgresOrdersStorageHarness(testDatabase, first, second);
    }

    public Task AuditCatalogWritesAsync() =>
        _first.WriteAsync(async (connection, transaction) =>
        {
            await using var command = new NpgsqlCommand("""
                CREATE TABLE catalog_writes (sku text NOT NULL, sequence bigint NOT NULL);
                CREATE FUNCTION audit_catalog_write() RETURNS trigger LANGUAGE plpgsql AS
                $$ BEGIN INSERT INTO catalog_writes VALUES (NEW.sku, NEW.sequence); RETURN NULL; END $$;
                CREATE TRIGGER catalog_items_written AFTER INSERT OR UPDATE ON catalog_items
                FOR EACH ROW EXECUTE FUNCTION audit_catalog_write();
                """, connection, transaction);
            return await command.ExecuteNonQueryAsync();
        });

    public Task<IReadOnlyList<(string Sku, long Sequence)>> CatalogWritesAsync() =>
        _first.ReadAsync<IReadOnlyList<(string, long)>>(async connection =>
        {
            await using var command = new NpgsqlCommand("SELECT sku, sequence FROM catalog_writes;", connection);
            var writes = new List<(string, long)>();
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                writes.Add((reader.GetString(0), reader.GetInt64(1)));
            }

            return writes;
        });

    public async ValueTask DisposeAsync()
    {
        await _firstLog.DisposeAsync();
        await _secondLog.DisposeAsync();
        await _first.DisposeAsync();
        await _second.DisposeAsync();
        await _testDatabase.DisposeAsync();
    }
}
