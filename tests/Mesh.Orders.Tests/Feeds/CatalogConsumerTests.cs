using Mesh.Orders.Feeds;
using Mesh.Orders.Tests.Support;
using Mesh.Storage;
using Mesh.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Mesh.Orders.Tests.Feeds;

/// <summary>
/// The consumer that fills the catalog cache: a snapshot on first start, resuming from its
/// stored cursor after an orders restart, and a fresh snapshot when inventory cannot resume it.
/// </summary>
public sealed class CatalogConsumerTests
{
    [Fact]
    public async Task Restart_CacheAlreadySynchronised_ResumesFromItsCursorWithoutASnapshot()
    {
        var directory = Directory.CreateTempSubdirectory("mesh-orders-catalog-");
        var path = Path.Combine(directory.FullName, "orders.db");
        try
        {
            using var mesh = new OrdersMesh(path);
            var first = await mesh.CreateItemAsync(quantity: 5);
            await mesh.CachedItemAsync(first);
            var snapshots = mesh.InventoryFaults.Calls("ListItems");
            var cursor = await CursorAsync(mesh);
            var watches = mesh.InventoryFeed.Requests.Count;

            mesh.RestartOrders(path);
            var second = await mesh.CreateItemAsync(quantity: 7, priceMinor: 990);
            var cached = await mesh.CachedItemAsync(second);
            await mesh.CachedItemAsync(first);

            Assert.True(snapshots >= 1, "the first start took no snapshot");
            Assert.Equal(snapshots, mesh.InventoryFaults.Calls("ListItems"));
            var resumed = mesh.InventoryFeed.Requests[watches];
            Assert.False(resumed.StartAtHead);
            Assert.True(resumed.AfterSequence >= cursor && cursor > 0, $"resumed after {resumed.AfterSequence}; the cursor was {cursor}");
            Assert.Equal((990L, 7L), (cached.UnitPriceMinor, cached.Available));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Reconnect_CursorBeyondInventorysHead_ResynchronisesFromASnapshot()
    {
        using var mesh = new OrdersMesh();
        var sku = await mesh.CreateItemAsync(quantity: 5);
        await mesh.CachedItemAsync(sku);
        await mesh.CutInventoryFeedAsync();
        var snapshots = mesh.InventoryFaults.Calls("ListItems");

        // As if inventory's log had been replaced by a shorter one while orders was away.
        Execute(mesh.OrdersDatabasePath, """
            UPDATE consumer_cursors SET sequence = 1000000 WHERE consumer = 'inventory-catalog';
            INSERT INTO catalog_items VALUES ('ghost', 'Ghost', 'USD', 1, 1, 0, 1);
            """);
        var watches = mesh.InventoryFeed.Requests.Count;
        mesh.InventoryFeed.Restore();
        await mesh.CachedItemAsync(sku);
        var cursor = await CursorAsync(mesh);
        var ghost = await mesh.OrdersHost.Services.GetRequiredService<Mesh.Orders.Storage.CatalogCacheStore>().FindAsync(["ghost"], CancellationToken.None);

        var requests = mesh.InventoryFeed.Requests.Skip(watches).ToList();
        Assert.Contains(requests, request => request.AfterSequence == 1_000_000);
        Assert.True(requests[^1].StartAtHead);
        Assert.Equal(snapshots + 1, mesh.InventoryFaults.Calls("ListItems"));
        Assert.InRange(cursor, 1, 999_999);
        Assert.Empty(ghost);
    }

    [Fact]
    public async Task Follow_FeedSilentForThreeHeartbeatIntervals_ReconnectsAndResumes()
    {
        // Inventory heartbeats every 15 s (its default); orders expects one every 200 ms.
        using var mesh = new OrdersMesh(ordersSettings: new Dictionary<string, string> { ["Mesh:Feeds:HeartbeatInterval"] = "00:00:00.200" });
        var sku = await mesh.CreateItemAsync(quantity: 5);
        await mesh.CachedItemAsync(sku);
        var watches = mesh.InventoryFeed.Requests.Count;

        await Eventually.HoldsAsync(
            () => mesh.InventoryFeed.Requests.Count >= watches + 2, "the consumer replaces its silent stream", TimeSpan.FromSeconds(10));
        var later = await mesh.CreateItemAsync(quantity: 3);
        await mesh.CachedItemAsync(later);

        Assert.All(mesh.InventoryFeed.Requests.Skip(watches), request => Assert.True(request.AfterSequence > 0 && !request.StartAtHead));
    }

    private static Task<long> CursorAsync(OrdersMesh mesh) =>
        mesh.OrdersHost.Services.GetRequiredService<IConsumerCursors>().GetAsync(InventoryCatalogConsumer.ConsumerName, CancellationToken.None);

    private static void Execute(string databasePath, string sql)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = databasePath, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
