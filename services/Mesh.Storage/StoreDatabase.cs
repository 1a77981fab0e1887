using Dapper;

namespace Mesh.Storage;

/// <summary>
/// A service's own database as its stores see it, whichever provider holds it: write
/// transactions (with the event log's appends in them), reads, and the dialect for the little
/// SQL that differs.
/// </summary>
public abstract class StoreDatabase
{
    private readonly Lock _appendWatchersGate = new();
    private Action<string, string>[] _appendWatchers = [];

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
    /// Whether this process is the only one that writes the database (SQLite: one replica owns
    /// its file), so what it writes is all that changes: the condition for a <see cref="ReadView{TValue}"/>.
    /// PostgreSQL is shared by replicas; their reads go to the database.
    /// </summary>
    public abstract bool HasOneWriterProcess { get; }

    /// <summary>
    /// Throws what an operation on the database would throw if the database is known to be gone
    /// (SQLite: its file was deleted), so that data kept in memory is not served from a database
    /// nobody can read any more. Cheap enough for every read (SQLite: one stat).
    /// </summary>
    public virtual void EnsureAvailable()
    {
    }

    /// <summary>
    /// Calls <paramref name="appended"/> with the log name and filter key of every event appended
    /// in a write transaction of this process, once that transaction has ended (committed or not).
    /// </summary>
    public void WatchAppends(Action<string, string> appended)
    {
        ArgumentNullException.ThrowIfNull(appended);
        lock (_appendWatchersGate)
        {
            _appendWatchers = [.. _appendWatchers, appended];
        }
    }

    /// <summary>
    /// Runs <paramref name="decide"/> in the session <paramref name="transact"/> opens for it, then
    /// tells the <see cref="WatchAppends"/> watchers what that session appended, once its transaction
    /// has ended (committed or not). Each provider runs every write attempt through it.
    /// </summary>
    protected async Task<T> ReportingAppendsAsync<T>(Func<StoreSession, Task<T>> decide, Func<Func<StoreSession, Task<T>>, Task<T>> transact)
    {
        ArgumentNullException.ThrowIfNull(decide);
        ArgumentNullException.ThrowIfNull(transact);
        StoreSession? session = null;
        try
        {
            return await transact(opened => decide(session = opened));
        }
        finally
        {
            if (session is not null)
            {
                ReportAppends(session);
            }
        }
    }

    private void ReportAppends(StoreSession session)
    {
        var watchers = Volatile.Read(ref _appendWatchers);
        if (watchers.Length == 0)
        {
            return;
        }

        foreach (var (log, key) in session.Appended)
        {
            foreach (var watcher in watchers)
            {
                watcher(log, key);
            }
        }
    }

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
