using Mesh.Inventory.Feeds;
using Mesh.Inventory.Storage;
using Mesh.Inventory.Tests.Support;
using Mesh.Storage;
using Mesh.Storage.Postgres;
using Mesh.Testing;
using Mesh.Testing.Storage;

namespace Mesh.Inventory.Tests.Storage;

/// <summary>
/// The inventory stores on a fresh PostgreSQL database as one replica sees it: its own
/// <see cref="PostgresDatabase"/> (its own connection pool), event log and stores.
/// <see cref="AddReplicaAsync"/> adds more replicas on the same database and clock.
/// </summary>
public sealed class PostgresInventoryStoreHarness : IInventoryStoreHarness
{
    private readonly PostgresServer.TestDatabase _testDatabase;
    private readonly List<PostgresInventoryReplica> _replicas = [];

    private PostgresInventoryStoreHarness(PostgresServer.TestDatabase testDatabase) => _testDatabase = testDatabase;

    /// <summary>The replicas so far; the first is the one <see cref="Items"/> and <see cref="Reservations"/> belong to.</summary>
    public IReadOnlyList<PostgresInventoryReplica> Replicas => _replicas;

    public ItemStore Items => _replicas[0].Items;

    public ReservationStore Reservations => _replicas[0].Reservations;

    public StoreDatabase Database => _replicas[0].Database;

    public IEventLog Log => _replicas[0].Log;

    public ManualTimeProvider Time { get; } = new(InventoryHost.Start);

    /// <summary>The database's connection string, for an in-process host sharing it.</summary>
    public string ConnectionString => _testDatabase.ConnectionString;

    public static async Task<PostgresInventoryStoreHarness> CreateAsync()
    {
        var harness = new PostgresInventoryStoreHarness(await PostgresServer.CreateDatabaseAsync());
        await harness.AddReplicaAsync();
        return harness;
    }

    /// <summary>Another replica: its own pool (at most <paramref name="maxPoolSize"/> connections) on the same database.</summary>
    public async Task<PostgresInventoryReplica> AddReplicaAsync(int maxPoolSize = 10)
    {
        var connectionString = new Npgsql.NpgsqlConnectionStringBuilder(_testDatabase.ConnectionString) { MaxPoolSize = maxPoolSize }.ConnectionString;
        var database = new PostgresDatabase(connectionString);
        await database.MigrateAsync(InventorySchema.PostgresSchema.Migrations);
        var log = new PostgresEventLog(database, InventoryEventLog.Name);
        var events = new InventoryEventLog(log);
        var replica = new PostgresInventoryReplica(database, log, new ItemStore(database, events, Time, TestReadViews.For(database)), new ReservationStore(database, events, Time));
        _replicas.Add(replica);
        return replica;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var replica in _replicas)
        {
            await replica.Log.DisposeAsync();
            await replica.Database.DisposeAsync();
        }

        await _testDatabase.DisposeAsync();
    }
}
