using Microsoft.Data.Sqlite;

namespace Mesh.ServiceDefaults.Storage;

/// <summary>
/// One service's SQLite database: WAL journal, foreign keys on, writes serialised in-process
/// (SQLite has one writer anyway; waiting on a semaphore is cheaper than busy retries).
/// </summary>
public sealed class SqliteDatabase : IDisposable
{
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly string _connectionString;
    private readonly string _createConnectionString;
    private readonly Lock _commitGate = new();
    private TaskCompletionSource _nextCommit = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public SqliteDatabase(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = System.IO.Path.GetFullPath(path);
        var directory = System.IO.Path.GetDirectoryName(Path);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        var connection = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWrite,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = 10,
        };
        // Only migration may create the file: a deleted database must fail loudly (and turn
        // readiness NOT_SERVING), not come back silently as an empty one.
        _connectionString = connection.ToString();
        connection.Mode = SqliteOpenMode.ReadWriteCreate;
        _createConnectionString = connection.ToString();
    }

    public string Path { get; }

    /// <summary>Opens a connection with the per-connection pragmas applied.</summary>
    public Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken = default) =>
        OpenAsync(_connectionString, cancellationToken);

    private static async Task<SqliteConnection> OpenAsync(string connectionString, CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        using var pragmas = connection.CreateCommand();
        pragmas.CommandText = "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 10000;";
        await pragmas.ExecuteNonQueryAsync(cancellationToken);
        return connection;
    }

    /// <summary>Runs <paramref name="work"/> in one IMMEDIATE transaction; commits if it returns.</summary>
    public async Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, Task<T>> work, CancellationToken cancellationToken = default)
    {
        // Writes are not cancelled once they hold the lock: a half-applied call is worse than a late one.
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            await using var connection = await OpenAsync(CancellationToken.None);
            await using var transaction = connection.BeginTransaction(deferred: false);
            var result = await work(connection, transaction);
            await transaction.CommitAsync(CancellationToken.None);
            SignalCommit();
            return result;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>
    /// Completes after the next write transaction commits. Feed streams take this task before
    /// they read, so a commit between their read and their wait is never missed.
    /// </summary>
    public Task NextCommit()
    {
        lock (_commitGate)
        {
            return _nextCommit.Task;
        }
    }

    private void SignalCommit()
    {
        TaskCompletionSource committed;
        lock (_commitGate)
        {
            committed = _nextCommit;
            _nextCommit = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        committed.TrySetResult();
    }

    /// <summary>Runs read-only <paramref name="work"/> on its own connection (WAL readers never block the writer).</summary>
    public async Task<T> ReadAsync<T>(Func<SqliteConnection, Task<T>> work, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await work(connection);
    }

    /// <summary>
    /// Switches to WAL and applies the migrations not yet applied, tracked in
    /// <c>PRAGMA user_version</c>. Migration N (1-based) runs once, in its own transaction.
    /// </summary>
    public async Task MigrateAsync(IReadOnlyList<string> migrations, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(_createConnectionString, cancellationToken);
        using (var wal = connection.CreateCommand())
        {
            wal.CommandText = "PRAGMA journal_mode = WAL;";
            await wal.ExecuteNonQueryAsync(cancellationToken);
        }

        using var versionCommand = connection.CreateCommand();
        versionCommand.CommandText = "PRAGMA user_version;";
        var applied = Convert.ToInt32(await versionCommand.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        if (applied > migrations.Count)
        {
            throw new InvalidOperationException(
                $"Database {Path} is at schema version {applied}, newer than this build knows ({migrations.Count}).");
        }

        for (var version = applied + 1; version <= migrations.Count; version++)
        {
            await using var transaction = connection.BeginTransaction(deferred: false);
            using var migrate = connection.CreateCommand();
            migrate.Transaction = transaction;
            migrate.CommandText = migrations[version - 1] + $"\nPRAGMA user_version = {version};";
            await migrate.ExecuteNonQueryAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
    }

    /// <summary>True when the database file exists, opens read-write and has the expected schema version.</summary>
    public async Task<bool> IsUsableAsync(int expectedVersion, CancellationToken cancellationToken)
    {
        try
        {
            // Pooled connections keep a deleted file's inode open, so ask the file system too.
            if (!File.Exists(Path))
            {
                return false;
            }

            await using var connection = await OpenAsync(cancellationToken);
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA user_version;";
            var version = Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
            return version == expectedVersion;
        }
        catch (SqliteException)
        {
            return false;
        }
        catch (IOException)
        {
            return false;
        }
    }

    public void Dispose() => _writeLock.Dispose();
}
