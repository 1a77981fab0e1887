using Dapper;

namespace Mesh.Storage;

/// <summary>
/// A service's own database as its stores see it, whichever provider holds it: write
/// transactions (with the event log's appends in them), reads, and the dialect for the little
/// SQL that differs.
/// </summary>
public abstract class StoreDatabase
{
    static StoreDatabase()
    {
        // Stores map rows with Dapper: snake_case columns (user_id) fill PascalCase properties (UserId).
        DefaultTypeMap.MatchNamesWithUnderscores = true;
        // SQLite keeps a prepared statement per SQL text and connection; padding IN lists (with
        // NULLs, harmless to IN) keeps a list of 1..100 ids to a few texts instead of 100.
        SqlMapper.Settings.PadListExpansions = true;
    }

    public abstract SqlDialect Dialect { get; }

    public StorageProvider Provider => Dialect.Provider;

    /// <summary>
    /// Runs <paramref name="decide"/> in one write transaction; commits if it returns, rolls back if
    /// it throws. On PostgreSQL a decision that lost a race to another replica
    /// (<see cref="SqlDialect.IsLostRace"/>) is made again in a fresh transaction, which sees the
    /// winner: <paramref name="decide"/> must only read and write through its session.
    /// </summary>
    public abstract Task<T> WriteAsync<T>(Func<StoreSession, Task<T>> decide, CancellationToken cancellationToken);

    /// <summary>A write with nothing to return; see <see cref="WriteAsync{T}"/>.</summary>
    public Task WriteAsync(Func<StoreSession, Task> write, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(write);
        return WriteAsync(async session =>
        {
            await write(session);
            return true;
        }, cancellationToken);
    }

    /// <summary>
    /// Runs read-only <paramref name="read"/> on a connection of its own; with
    /// <paramref name="snapshot"/> every statement sees the same committed state.
    /// </summary>
    public abstract Task<T> ReadAsync<T>(Func<StoreSession, Task<T>> read, CancellationToken cancellationToken, bool snapshot = false);
}
