using System.Collections.Concurrent;
using System.Data;
using System.Globalization;
using Npgsql;
using Polly;
using Polly.Retry;

namespace Mesh.Storage.Postgres;

/// <summary>
/// One service's PostgreSQL database, shared by all its replicas: pooled connections from one
/// <see cref="NpgsqlDataSource"/>, writes in READ COMMITTED transactions, and migrations that
/// are safe when several replicas start at once on an empty database.
/// </summary>
public sealed class PostgresDatabase : StoreDatabase, IAsyncDisposable, IDisposable
{
    /// <summary>
    /// The session advisory lock (single 64-bit key space, "MESHMIGR") held around migrations,
    /// so replicas starting together apply each migration exactly once, one after the other.
    /// The two-int key space the event logs use never overlaps it.
    /// </summary>
    public const long MigrationLockKey = 0x4D45_5348_4D49_4752;

    // The commits of the WriteAsync transactions in flight, so steps can be registered for them.
    private readonly ConcurrentDictionary<NpgsqlTransaction, PostgresCommit> _commits = new(ReferenceEqualityComparer.Instance);

    public PostgresDatabase(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        DataSource = NpgsqlDataSource.Create(connectionString);
        DatabaseName = new NpgsqlConnectionStringBuilder(connectionString).Database ?? "(default)";
    }

    // A lost race rolled back everything it wrote; the next attempt sees the winner. More than
    // two attempts are needed only when that row changed again in between, which is rarer still.
    private static readonly ResiliencePipeline LostRaceRetry = new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<PostgresException>(PostgresDialect.Instance.IsLostRace),
            MaxRetryAttempts = 4,
            Delay = TimeSpan.Zero,
        })
        .Build();

    /// <summary>The database's name (for logs; never the whole connection string, which may hold a password).</summary>
    public string DatabaseName { get; }

    public NpgsqlDataSource DataSource { get; }

    /// <summary>Opens a pooled connection.</summary>
    public ValueTask<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken = default) =>
        DataSource.OpenConnectionAsync(cancellationToken);

    /// <summary>
    /// Runs <paramref name="work"/> in one READ COMMITTED transaction; commits if it returns, rolls
    /// back if it throws. Steps registered through <see cref="CommitOf"/> go with the COMMIT.
    /// </summary>
    public async Task<T> WriteAsync<T>(Func<NpgsqlConnection, NpgsqlTransaction, Task<T>> work, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
        var commit = new PostgresCommit();
        _commits[transaction] = commit;
        try
        {
            var result = await work(connection, transaction);
            await commit.CommitAsync(connection, transaction);
            return result;
        }
        finally
        {
            _commits.TryRemove(transaction, out _);
            commit.Abandon(); // after a commit every step is settled already
        }
    }

    public override SqlDialect Dialect => PostgresDialect.Instance;

    /// <inheritdoc />
    public override bool HasOneWriterProcess => false;

    /// <inheritdoc />
    public override async Task<T> WriteAsync<T>(Func<StoreSession, Task<T>> decide, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(decide);
        return await LostRaceRetry.ExecuteAsync(
            async token => await ReportingAppendsAsync(
                decide, run => WriteAsync((connection, transaction) => run(new StoreSession(connection, transaction, Dialect, token)), token)),
            cancellationToken);
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

            // READ COMMITTED gives each statement its own snapshot; REPEATABLE READ one for them all.
            await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
            var result = await read(new StoreSession(connection, transaction, Dialect, cancellationToken));
            await transaction.CommitAsync(cancellationToken);
            return result;
        }, cancellationToken);
    }

    /// <summary>The commit of <paramref name="transaction"/>, which a <see cref="WriteAsync{T}"/> of this database is running.</summary>
    /// <exception cref="InvalidOperationException">The transaction is not one <see cref="WriteAsync{T}"/> runs (it would commit without the steps).</exception>
    public PostgresCommit CommitOf(NpgsqlTransaction transaction)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        return _commits.TryGetValue(transaction, out var commit)
            ? commit
            : throw new InvalidOperationException("Only a transaction run by PostgresDatabase.WriteAsync can send statements with its commit.");
    }

    /// <summary>Runs read-only <paramref name="work"/> on its own pooled connection.</summary>
    public async Task<T> ReadAsync<T>(Func<NpgsqlConnection, Task<T>> work, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        await using var connection = await OpenAsync(cancellationToken);
        return await work(connection);
    }

    /// <summary>
    /// Applies the migrations not yet applied, tracked in <c>schema_migrations(version)</c>.
    /// Migration N (1-based) runs once, in its own transaction together with its version row.
    /// The whole run holds <see cref="MigrationLockKey"/>, so concurrent starts queue up and
    /// the later ones find nothing left to do; re-running is a no-op.
    /// </summary>
    public async Task MigrateAsync(IReadOnlyList<string> migrations, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(migrations);
        await using var connection = await OpenAsync(cancellationToken);
        await ExecuteAsync(connection, null, $"SELECT pg_advisory_lock({MigrationLockKey});", cancellationToken);
        try
        {
            await ExecuteAsync(connection, null, """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version    integer     PRIMARY KEY,
                    applied_at timestamptz NOT NULL DEFAULT now()
                );
                """, cancellationToken);
            var applied = await SchemaVersionAsync(connection, cancellationToken);
            if (applied > migrations.Count)
            {
                throw new InvalidOperationException(
                    $"Database {connection.Database} is at schema version {applied}, newer than this build knows ({migrations.Count}).");
            }

            for (var version = applied + 1; version <= migrations.Count; version++)
            {
                await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
                await ExecuteAsync(connection, transaction, migrations[version - 1], cancellationToken);
                await ExecuteAsync(connection, transaction,
                    $"INSERT INTO schema_migrations (version) VALUES ({version.ToString(CultureInfo.InvariantCulture)});", cancellationToken);
                await transaction.CommitAsync(cancellationToken);
            }
        }
        finally
        {
            // Also released when the session ends; pooled connections are reset on return.
            await ExecuteAsync(connection, null, $"SELECT pg_advisory_unlock({MigrationLockKey});", CancellationToken.None);
        }
    }

    /// <summary>True when the database answers and is at <paramref name="expectedVersion"/>.</summary>
    public async Task<bool> IsUsableAsync(int expectedVersion, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await OpenAsync(cancellationToken);
            return await SchemaVersionAsync(connection, cancellationToken) == expectedVersion;
        }
        catch (NpgsqlException)
        {
            return false;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    private static async Task<int> SchemaVersionAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        // Table names are resolved when a statement is parsed, so ask whether the table exists first.
        await using (var exists = new NpgsqlCommand("SELECT to_regclass('schema_migrations') IS NOT NULL;", connection))
        {
            if (!(bool)(await exists.ExecuteScalarAsync(cancellationToken))!)
            {
                return 0;
            }
        }

        await using var command = new NpgsqlCommand("SELECT coalesce(max(version), 0) FROM schema_migrations;", connection);
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public ValueTask DisposeAsync() => DataSource.DisposeAsync();

    public void Dispose() => DataSource.Dispose();
}
