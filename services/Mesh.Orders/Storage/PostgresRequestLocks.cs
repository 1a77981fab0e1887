using Mesh.Storage.Postgres;
using Npgsql;

namespace Mesh.Orders.Storage;

/// <summary>
/// <see cref="IRequestLocks"/> across every replica sharing the PostgreSQL database: a session
/// advisory lock <c>pg_advisory_lock(<see cref="LockClass"/>, hashtext(key))</c> held on a
/// pooled connection of its own for as long as the saga runs, released on dispose. Duplicates
/// within this replica first queue on <see cref="InProcessRequestLocks"/>, so a request_id
/// occupies at most one connection per replica; and at most half the pool may hold such
/// sessions, so sagas always find connections left for their writes. Two keys with the same
/// hash merely wait for each other. Should a lock session die mid-saga, the unique request_id
/// and the guarded state moves still keep a duplicate harmless; the lock only makes it wait.
/// </summary>
public sealed class PostgresRequestLocks : IRequestLocks, IDisposable
{
    /// <summary>The first key of the two-int advisory lock ("ORDR"); distinct from the event logs' class.</summary>
    public const int LockClass = 0x4F52_4452;

    private readonly PostgresDatabase _database;
    private readonly InProcessRequestLocks _local;
    private readonly ILogger<PostgresRequestLocks> _logger;
    private readonly SemaphoreSlim _sessions;

    public PostgresRequestLocks(PostgresDatabase database, InProcessRequestLocks local, ILogger<PostgresRequestLocks> logger)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
        _local = local;
        _logger = logger;
        var poolSize = new NpgsqlConnectionStringBuilder(database.DataSource.ConnectionString).MaxPoolSize;
        _sessions = new SemaphoreSlim(Math.Max(1, poolSize / 2));
    }

    /// <inheritdoc />
    public async Task<IAsyncDisposable> AcquireAsync(string key, CancellationToken cancellationToken) =>
        await TakeAsync(key, wait: true, cancellationToken)
        ?? throw new InvalidOperationException($"pg_advisory_lock returned without the lock on {key}");

    /// <inheritdoc />
    public Task<IAsyncDisposable?> TryAcquireAsync(string key, CancellationToken cancellationToken) =>
        TakeAsync(key, wait: false, cancellationToken);

    public void Dispose() => _sessions.Dispose();

    private async Task<IAsyncDisposable?> TakeAsync(string key, bool wait, CancellationToken cancellationToken)
    {
        IAsyncDisposable? local = wait ? await _local.AcquireAsync(key, cancellationToken) : _local.TryAcquire(key);
        if (local is null)
        {
            return null;
        }

        var gated = false;
        NpgsqlConnection? connection = null;
        try
        {
            await _sessions.WaitAsync(cancellationToken);
            gated = true;
            connection = await _database.OpenAsync(cancellationToken);
            var sql = wait ? "SELECT pg_advisory_lock($1, hashtext($2)) IS NOT NULL;" : "SELECT pg_try_advisory_lock($1, hashtext($2));";
            // Waiting honours cancellation: Npgsql cancels the statement on the server.
            if (await LockCommandAsync(connection, sql, key, cancellationToken))
            {
                var session = new Session(this, key, connection, local);
                connection = null;
                local = null;
                gated = false;
                return session;
            }

            return null;
        }
        finally
        {
            if (connection is not null)
            {
                await AbandonAsync(connection, key);
            }

            if (gated)
            {
                _sessions.Release();
            }

            if (local is not null)
            {
                await local.DisposeAsync();
            }
        }
    }

    private static async Task<bool> LockCommandAsync(NpgsqlConnection connection, string sql, string key, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = LockClass });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key });
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>
    /// Gives back a connection whose lock attempt failed or was cancelled, or whose lock was
    /// released: a pooled connection is only reset when next used, so a lock still held
    /// (a cancel that came too late) must be dropped now, before it goes back to the pool.
    /// </summary>
    private async Task AbandonAsync(NpgsqlConnection connection, string key)
    {
        try
        {
            await using var unlock = new NpgsqlCommand("SELECT pg_advisory_unlock_all();", connection);
            await unlock.ExecuteNonQueryAsync(CancellationToken.None);
        }
        catch (Exception exception) when (exception is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            // A broken connection is not pooled again, and the server ends its session and locks.
            _logger.LogWarning(exception, "Could not release the request lock on {RequestId}; its session's end releases it", key);
            connection.Dispose();
            return;
        }

        await connection.DisposeAsync();
    }

    private sealed class Session(PostgresRequestLocks owner, string key, NpgsqlConnection connection, IAsyncDisposable local) : IAsyncDisposable
    {
        private int _disposed;

        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0)
            {
                return;
            }

            try
            {
                await owner.AbandonAsync(connection, key);
            }
            finally
            {
                owner._sessions.Release();
                await local.DisposeAsync();
            }
        }
    }
}
