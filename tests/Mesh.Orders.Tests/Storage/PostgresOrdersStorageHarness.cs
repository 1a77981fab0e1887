using Mesh.Orders.Feeds;
using Mesh.Orders.Storage;
using Mesh.Storage.Postgres;
using Mesh.Testing.Postgres;

namespace Mesh.Orders.Tests.Storage;

/// <summary>Orders storage in a fresh PostgreSQL database; each replica has its own data source (connection pool) and log.</summary>
public sealed class PostgresOrdersStorageHarness : OrdersStorageHarness
{
    private readonly PostgresServer.TestDatabase _testDatabase;
    private readonly PostgresDatabase _first;
    private readonly PostgresDatabase _second;
    private readonly PostgresEventLog _firstLog;
    private readonly PostgresEventLog _secondLog;

    private PostgresOrdersStorageHarness(
        PostgresServer.TestDatabase testDatabase, PostgresDatabase first, PostgresEventLog firstLog, PostgresDatabase second, PostgresEventLog secondLog)
        : base(first, firstLog, second, secondLog)
    {
        _testDatabase = testDatabase;
        _first = first;
        _second = second;
        _firstLog = firstLog;
        _secondLog = secondLog;
    }

    protected override string AuditTriggers => """
        CREATE TABLE catalog_writes (sku text NOT NULL, sequence bigint NOT NULL);
        CREATE FUNCTION audit_catalog_write() RETURNS trigger LANGUAGE plpgsql AS
        $$ BEGIN INSERT INTO catalog_writes VALUES (NEW.sku, NEW.sequence); RETURN NULL; END $$;
        CREATE TRIGGER catalog_items_written AFTER INSERT OR UPDATE ON catalog_items
        FOR EACH ROW EXECUTE FUNCTION audit_catalog_write();
        """;

    public static async Task<PostgresOrdersStorageHarness> CreateAsync()
    {
        var testDatabase = await PostgresServer.CreateDatabaseAsync();
        var first = new PostgresDatabase(testDatabase.ConnectionString);
        var second = new PostgresDatabase(testDatabase.ConnectionString);
        await first.MigrateAsync(OrdersSchema.Postgres.Migrations);
        await second.MigrateAsync(OrdersSchema.Postgres.Migrations);
        return new PostgresOrdersStorageHarness(
            testDatabase, first, new PostgresEventLog(first, OrderEvents.LogName), second, new PostgresEventLog(second, OrderEvents.LogName));
    }

    public override async ValueTask DisposeAsync()
    {
        await _firstLog.DisposeAsync();
        await _secondLog.DisposeAsync();
        await _first.DisposeAsync();
        await _second.DisposeAsync();
        await _testDatabase.DisposeAsync();
    }
}
