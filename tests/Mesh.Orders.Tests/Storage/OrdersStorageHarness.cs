using Mesh.Orders.Storage;
using Mesh.Storage;

namespace Mesh.Orders.Tests.Storage;

/// <summary>
/// One provider's orders storage in a fresh, migrated database, seen by two replicas: on
/// PostgreSQL two processes' worth of connection pools on one database, on SQLite the one
/// process it supports. The stores are the same classes over either database.
/// </summary>
public abstract class OrdersStorageHarness : IAsyncDisposable
{
    private readonly StoreDatabase _first;

    protected OrdersStorageHarness(StoreDatabase first, IEventLog firstLog, StoreDatabase second, IEventLog secondLog)
    {
        _first = first;
        Log = firstLog;
        Orders = new OrderStore(first, firstLog);
        SecondReplicaOrders = new OrderStore(second, secondLog);
        Cache = new CatalogCacheStore(first, TimeProvider.System);
        SecondReplicaCache = new CatalogCacheStore(second, TimeProvider.System);
        Cursors = new ConsumerCursors(first);
    }

    public OrderStore Orders { get; }

    public OrderStore SecondReplicaOrders { get; }

    public CatalogCacheStore Cache { get; }

    public CatalogCacheStore SecondReplicaCache { get; }

    public IEventLog Log { get; }

    public IConsumerCursors Cursors { get; }

    /// <summary>Creates <c>catalog_writes</c> and the triggers that fill it (trigger syntax differs by provider).</summary>
    protected abstract string AuditTriggers { get; }

    /// <summary>From now on, records every row the cache inserts or updates in <c>catalog_writes</c>.</summary>
    public Task AuditCatalogWritesAsync() =>
        _first.WriteAsync(session => session.ExecuteAsync(AuditTriggers), CancellationToken.None);

    /// <summary>Every (sku, sequence) the cache wrote since <see cref="AuditCatalogWritesAsync"/>.</summary>
    public Task<IReadOnlyList<(string Sku, long Sequence)>> CatalogWritesAsync() =>
        _first.ReadAsync<IReadOnlyList<(string, long)>>(
            async session => [.. await session.QueryAsync<(string, long)>("SELECT sku, sequence FROM catalog_writes;")],
            CancellationToken.None);

    public abstract ValueTask DisposeAsync();
}
