using Mesh.Inventory.Feeds;
using Mesh.Inventory.Storage;
using Mesh.Inventory.Tests.Support;
using Mesh.ServiceDefaults.Storage;
using Mesh.Storage;
using Mesh.Storage.Sqlite;
using Mesh.Testing;
using Mesh.Testing.Storage;

namespace Mesh.Inventory.Tests.Storage;

public sealed class SqliteInventoryStoreHarness : IInventoryStoreHarness
{
    private readonly string _directory;
    private readonly SqliteDatabase _database;

    private SqliteInventoryStoreHarness(string directory, SqliteDatabase database)
    {
        _directory = directory;
        _database = database;
        Log = new SqliteEventLog(database, InventoryEventLog.Name);
        var events = new InventoryEventLog(Log);
        Items = new ItemStore(database, events, Time, TestReadViews.For(database));
        Reservations = new ReservationStore(database, events, Time);
    }

    public ItemStore Items { get; }

    public ReservationStore Reservations { get; }

    public StoreDatabase Database => _database;

    public IEventLog Log { get; }

    public ManualTimeProvider Time { get; } = new(InventoryHost.Start);

    public static async Task<SqliteInventoryStoreHarness> CreateAsync()
    {
        var directory = Directory.CreateTempSubdirectory("mesh-inventory-store-").FullName;
        var database = new SqliteDatabase(Path.Combine(directory, "inventory.db"));
        await database.MigrateAsync(InventorySchema.Schema.Migrations);
        return new SqliteInventoryStoreHarness(directory, database);
    }

    public ValueTask DisposeAsync()
    {
        _database.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
        return ValueTask.CompletedTask;
    }
}
