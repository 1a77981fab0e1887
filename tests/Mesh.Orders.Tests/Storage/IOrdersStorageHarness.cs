using Mesh.Orders.Storage;
using Mesh.Storage;

namespace Mesh.Orders.Tests.Storage;

/// <summary>
/// One provider's orders storage in a fresh, migrated database, seen by two replicas: on
/// PostgreSQL two processes' worth of connection pools on one database, on SQLite the one
/// process it supports.
/// </summary>
public interface IOrdersStorageHarness : IAsyncDisposable
{
    IOrderRepository Repository { get; }

    IOrderRepository SecondReplicaRepository { get; }

    ICatalogCache Cache { get; }

    ICatalogCache SecondReplicaCache { get; }

    IEventLog Log { get; }

    IConsumerCursors Cursors { get; }

    /// <summary>From now on, records every row the cache inserts or updates in <c>catalog_writes</c>.</summary>
    Task AuditCatalogWritesAsync();

    /// <summary>Every (sku, sequence) the cache wrote since <see cref="AuditCatalogWritesAsync"/>.</summary>
    Task<IReadOnlyList<(string Sku, long Sequence)>> CatalogWritesAsync();
}
