using System.Globalization;
using Mesh.Storage;
using Microsoft.Data.Sqlite;

namespace Mesh.Storage.Sqlite;

/// <summary>
/// One service's SQLite database: WAL journal, foreign keys on, writes serialised in-process
/// (SQLite has one writer anyway; waiting on a semaphore is cheaper than busy retries).
/// Connections are opened and configured once and kept: one writer, used under the write lock,
/// and a few idle readers (WAL readers never block the writer). Each keeps its prepared
/// statements (<see cref="SqliteCommandExtensions.Prepared"/>), so a hot read or write costs
/// the statement's execution, not an open, three pragmas and a parse.
/// </summary>
public sealed class SqliteDatabase : StoreDatabase, IDisposable
{
    private const int SqliteCantOpen = 14;
    private const int SqliteConstraint = 19;

    /// <summary>
    /// Reads run synchronously inside Microsoft.Data.Sqlite, so concurrent reads are bounded by
    /// the threads running them; more than this many idle ones would only hold memory.
    /// </summary>
    private static readonly int IdleReaders = Math.Clamp(Environment.ProcessorCount * 2, 4, 16);

    /// <summary>Most writes committed in one transaction, so no caller waits behind an unbounded group.</summary>
    private const int MaxGroup = 64;

    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly System.Collections.Concurrent.ConcurrentQueue<GroupedWrite> _queued = new();
    private readonly SqliteReaderPool _readers = new(IdleReaders);
    private readonly string _connectionString;
    private readonly string _createConnectionString;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, ChangeSignal> _appendSignals = new(StringComparer.Ordinal);

    // The event logs the running group appended to; touched only by the writer, under the write lock.
    private readonly HashSet<string> _appendedInGroup = new(StringComparer.Ordinal);
    private LongLivedSqliteConnection? _writer;
    private int _generation;
    private long _groupCommits;
    private volatile bool _disposed;

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
            // This class keeps its own connections; disposing one must really close it.
            Pooling = false,
            DefaultTimeout = 10,
        };
        // Only migration may create the file: a deleted database must fail loudly (and turn
        // readiness NOT_SERVING), not come back silently as an empty one.
        _connectionString = connection.ToString();
        connection.Mode = SqliteOpenMode.ReadWriteCreate;
        _createConnectionString = connection.ToString();
    }

    public string Path { get; }

    /// <summary>Write transactions committed since start: fewer than the writes when writes were grouped.</summary>
    public long GroupCommits => Interlocked.Read(ref _groupCommits);

    public override SqlDialect Dialect => SqliteDialect.Instance;

    /// <inheritdoc />
    /// <remarks>One replica owns the file; another process writing it (a second replica on the same file) is not supported.</remarks>
    public override bool HasOneWriterProcess => true;

    /// <inheritdoc />
    /// <remarks>Grouped with the writes queued beside it; see <see cref="WriteAsync{T}(Func{SqliteConnection, SqliteTransaction, Task{T}}, CancellationToken)"/>.</remarks>
    public override Task<T> WriteAsync<T>(Func<StoreSession, Task<T>> decide, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(decide);
        return ReportingAppendsAsync(
            decide, run => WriteAsync((connection, transaction) => run(new StoreSession(connection, transaction, Dialect, CancellationToken.None)), cancellationToken));
    }

    /// <inheritdoc />
    public override Task<T> ReadAsync<T>(Func<StoreSession, Task<T>> read, CancellationToken cancellationToken, bool snapshot = false)
    {
        ArgumentNullException.ThrowIfNull(read);
        return ReadAsync(async connection =>
        {
            if (!snapshot)
            {
                return await read(new StoreSession(connection, null, Dialect, cancellationToken));
            }

            // A deferred transaction reads one WAL snapshot from its first statement to its end.
            await using var transaction = connection.BeginTransaction(deferred: true);
            var result = await read(new StoreSession(connection, transaction, Dialect, cancellationToken));
            await transaction.CommitAsync(cancellationToken);
            return result;
        }, cancellationToken);
    }

    /// <summary>
    /// Runs <paramref name="work"/> in an IMMEDIATE transaction; commits if it returns, rolls back
    /// its writes if it throws. Writes that queue while another runs commit together (group commit):
    /// each runs in a savepoint of one transaction, so one that throws is rolled back alone, and every
    /// caller gets its answer only after the transaction has committed; if it does not commit, all of
    /// them fail. One commit for many writes is one WAL append and one lock hand-over instead of many.
    /// The statements run uncancelled: once a write has started, a half-applied call is worse than a
    /// late one; a caller that gives up while queued is withdrawn. The writer connection stays open
    /// unless a failure came from SQLite itself (other than a constraint) or left it inside a transaction.
    /// </summary>
    public async Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, Task<T>> work, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        var write = new GroupedWrite<T>(work);
        _queued.Enqueue(write);
        var leader = false;
        try
        {
            await _writeLock.WaitAsync(cancellationToken);
            leader = true;
        }
        catch (OperationCanceledException) when (write.TryCancel())
        {
            throw;
        }
        catch (OperationCanceledException)
        {
            // Too late to withdraw: a group has taken it, and its answer follows.
        }

        if (leader)
        {
            try
            {
                // A group led by an earlier writer may have run this one already.
                while (!write.IsClaimed)
                {
                    await RunGroupAsync();
                }
            }
            finally
            {
                if (_disposed)
                {
                    RetireWriter();
                }

                _writeLock.Release();
            }
        }

        return await write.Task;
    }

    /// <summary>
    /// Completes after the next write transaction that appended to event log <paramref name="log"/>
    /// commits; commits that appended nothing to it (a consumer's cursor, another log) wake nobody
    /// here. Feed streams take this task before they read, so a commit between their read and
    /// their wait is never missed.
    /// </summary>
    public Task NextAppend(string log) => SignalOf(log).Next();

    /// <summary>Records, inside a write transaction, that it appended to <paramref name="log"/>: its commit wakes that log's readers.</summary>
    internal void NoteAppend(string log) => _appendedInGroup.Add(log);

    /// <summary>Runs read-only <paramref name="work"/> on a reader connection of its own for the duration.</summary>
    public async Task<T> ReadAsync<T>(Func<SqliteConnection, Task<T>> work, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        cancellationToken.ThrowIfCancellationRequested();
        var connection = Reader();
        T result;
        try
        {
            result = await work(connection);
        }
        catch (Exception failure)
        {
            if (MayReuse(connection, failure))
            {
                _readers.Return(connection, Volatile.Read(ref _generation));
            }
            else
            {
                connection.Dispose();
            }

            throw;
        }

        _readers.Return(connection, Volatile.Read(ref _generation));
        return result;
    }

    /// <summary>
    /// Switches to WAL and applies the migrations not yet applied, tracked in
    /// <c>PRAGMA user_version</c>. Migration N (1-based) runs once, in its own transaction.
    /// </summary>
    public async Task MigrateAsync(IReadOnlyList<string> migrations, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(migrations);
        await using (var connection = LongLivedSqliteConnection.Open(_createConnectionString, generation: -1))
        {
            using (var wal = connection.CreateCommand())
            {
                wal.CommandText = "PRAGMA journal_mode = WAL;";
                await wal.ExecuteNonQueryAsync(cancellationToken);
            }

            using var versionCommand = connection.CreateCommand();
            versionCommand.CommandText = "PRAGMA user_version;";
            var applied = Convert.ToInt32(await versionCommand.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
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

        // Migration may have created the file anew: nothing opened before may serve it.
        RetireAll();
    }

    /// <summary>True when the database file exists, opens read-write and has the expected schema version.</summary>
    public async Task<bool> IsUsableAsync(int expectedVersion, CancellationToken cancellationToken)
    {
        try
        {
            var version = await ReadAsync(async connection =>
            {
                using var command = connection.Prepared("PRAGMA user_version;");
                return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
            }, cancellationToken);
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

    private ChangeSignal SignalOf(string log) => _appendSignals.GetOrAdd(log, static _ => new ChangeSignal());

    /// <summary>Closes every connection; a write in flight closes the writer when it ends.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _readers.Clear(forever: true);
        if (_writeLock.Wait(0))
        {
            RetireWriter();
            _writeLock.Release();
        }

        // The semaphore stays undisposed on purpose: a write in flight still releases it.
    }

    /// <summary>Runs what is queued (up to <see cref="MaxGroup"/> writes) in one transaction; only under the write lock.</summary>
    private async Task RunGroupAsync()
    {
        var group = new List<GroupedWrite>();
        while (group.Count < MaxGroup && _queued.TryDequeue(out var next))
        {
            if (next.TryClaim())
            {
                group.Add(next);
            }
        }

        if (group.Count == 0)
        {
            return;
        }

        Exception? groupFailure = null;
        LongLivedSqliteConnection? connection = null;
        _appendedInGroup.Clear();
        try
        {
            connection = Writer();
            await using var transaction = connection.BeginTransaction(deferred: false);
            if (group.Count == 1)
            {
                // Alone: no savepoint needed, the transaction is the write's own.
                await group[0].RunAsync(connection, transaction);
            }
            else
            {
                foreach (var write in group)
                {
                    await RunInSavepointAsync(connection, transaction, write);
                }
            }

            await transaction.CommitAsync(CancellationToken.None);
            Interlocked.Increment(ref _groupCommits);
            // A write rolled back to its savepoint may have noted an append: a wake for nothing, harmless.
            foreach (var log in _appendedInGroup)
            {
                SignalOf(log).Signal();
            }
        }
        catch (Exception failure)
        {
            groupFailure = failure;
            if (connection is not null && !MayReuse(connection, failure))
            {
                RetireWriter();
            }
        }

        foreach (var write in group)
        {
            write.Complete(groupFailure);
        }
    }

    private async Task RunInSavepointAsync(LongLivedSqliteConnection connection, SqliteTransaction transaction, GroupedWrite write)
    {
        Execute(connection, transaction, "SAVEPOINT grouped_write;");
        try
        {
            await write.RunAsync(connection, transaction);
        }
        catch (Exception failure) when (connection.IsInTransaction)
        {
            // Its own failure: undo its writes only; the others in the group go on.
            write.Failure = failure;
            Execute(connection, transaction, "ROLLBACK TO grouped_write;");
        }

        // Anything else (SQLite ended the whole transaction) fails the group, above.
        Execute(connection, transaction, "RELEASE grouped_write;");
    }

    private static void Execute(LongLivedSqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        using var command = connection.Prepared(sql, transaction);
        command.ExecuteNonQuery();
    }

    /// <summary>
    /// After <paramref name="failure"/>, a connection is kept only when the failure was the work's
    /// own (a domain exception, a cancellation, a constraint violation) and its transaction is
    /// closed. Anything else SQLite raised (I/O error, corruption, a file gone) closes it, so the
    /// next operation opens a fresh one instead of reusing a broken one forever.
    /// </summary>
    private static bool MayReuse(LongLivedSqliteConnection connection, Exception failure) =>
        connection.IsIdle && (failure is not SqliteException sqlite || (sqlite.SqliteErrorCode & 0xFF) == SqliteConstraint);

    private LongLivedSqliteConnection Writer()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        EnsureFileExists();
        var generation = Volatile.Read(ref _generation);
        if (_writer is { } writer && writer.Generation == generation)
        {
            return writer;
        }

        RetireWriter();
        return _writer = LongLivedSqliteConnection.Open(_connectionString, generation);
    }

    private LongLivedSqliteConnection Reader()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        EnsureFileExists();
        var generation = Volatile.Read(ref _generation);
        return _readers.TryTake(generation, out var idle) ? idle : LongLivedSqliteConnection.Open(_connectionString, generation);
    }

    /// <inheritdoc />
    public override void EnsureAvailable() => EnsureFileExists();

    /// <summary>
    /// An open connection keeps a deleted file's inode alive and would go on serving a database
    /// nobody else can see; one stat per operation makes every call fail instead, as a fresh
    /// open would, and closes what was opened on the old file.
    /// </summary>
    private void EnsureFileExists()
    {
        if (File.Exists(Path))
        {
            return;
        }

        RetireAll();
        throw new SqliteException($"The database file {Path} does not exist (any more).", SqliteCantOpen);
    }

    /// <summary>Makes every open connection stale: idle readers close now, the writer and busy readers when next seen.</summary>
    private void RetireAll()
    {
        Interlocked.Increment(ref _generation);
        _readers.Clear(forever: false);
    }

    /// <summary>Closes the writer; only under the write lock.</summary>
    private void RetireWriter()
    {
        _writer?.Dispose();
        _writer = null;
    }
}
