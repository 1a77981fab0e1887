namespace Mesh.Orders.Storage;

/// <summary>
/// One lock per PlaceOrder request_id, held for the whole saga: a duplicate of a saga in
/// progress waits for it and then replays its stored result instead of running the same steps
/// alongside it, and the sweeper never settles an order whose saga is still running. Its reach
/// is the reach of the storage: one process on SQLite, every replica on PostgreSQL.
/// </summary>
public interface IRequestLocks
{
    /// <summary>Waits until the lock on <paramref name="key"/> is free and takes it; disposing the result releases it.</summary>
    Task<IAsyncDisposable> AcquireAsync(string key, CancellationToken cancellationToken);

    /// <summary>The lock on <paramref name="key"/> if it is free right now, otherwise null.</summary>
    Task<IAsyncDisposable?> TryAcquireAsync(string key, CancellationToken cancellationToken);
}
