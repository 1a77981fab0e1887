using Google.Protobuf;
using Mesh.Storage;
using Mesh.Storage.Postgres;
using Mesh.Storage.Sqlite;

namespace Mesh.Storage.Tests;

/// <summary>One provider's event log in a fresh database, plus the writes a service would make around it.</summary>
public interface IEventLogHarness : IAsyncDisposable
{
    IEventLog Log { get; }

    /// <summary>
    /// Appends one event per key in ONE write transaction. <paramref name="beforeCommit"/> runs
    /// inside the transaction after the appends; the transaction commits unless
    /// <paramref name="commit"/> is false (then it rolls back and the result is discarded).
    /// </summary>
    Task<IReadOnlyList<long>> AppendAsync(IReadOnlyList<string> keys, DateTimeOffset occurTime, Func<Task>? beforeCommit = null, bool commit = true);
}

public static class EventLogHarnessExtensions
{
    public static async Task<long> AppendOneAsync(this IEventLogHarness harness, string key, DateTimeOffset? occurTime = null) =>
        (await harness.AppendAsync([key], occurTime ?? DateTimeOffset.UtcNow))[0];

    public static IMessage Payload(string key, int index) => new Google.Protobuf.WellKnownTypes.StringValue { Value = $"{key}#{index}" };
}

/// <summary>Thrown inside a write to roll it back.</summary>
public sealed class RollbackException : Exception
{
    public RollbackException()
        : base("rolled back on purpose")
    {
    }

    public RollbackException(string message)
        : base(message)
    {
    }

    public RollbackException(string message, Exception inner)
        : base(message, inner)
    {
    }
}

public sealed class SqliteHarness : IEventLogHarness
{
    private readonly string _directory;
    private readonly SqliteDatabase _database;
    private readonly SqliteEventLog _log;

    private SqliteHarness(string directory, SqliteDatabase database, SqliteEventLog log)
    {
        _directory = directory;
        _database = database;
        _log = log;
    }

    public IEventLog Log => _log;

    public static async Task<SqliteHarness> CreateAsync(string name = "probe")
    {
        var directory = Path.Combine(Path.GetTempPath(), "mesh-storage-tests", Guid.NewGuid().ToString("N"));
        var database = new SqliteDatabase(Path.Combine(directory, "log.db"));
        await database.MigrateAsync([SqliteEventLog.Migration(name)]);
        return new SqliteHarness(directory, database, new SqliteEventLog(database, name));
    }

    public async Task<IReadOnlyList<long>> AppendAsync(IReadOnlyList<string> keys, DateTimeOffset occurTime, Func<Task>? beforeCommit = null, bool commit = true)
    {
        try
        {
            return await _database.WriteAsync<IReadOnlyList<long>>(async (connection, transaction) =>
            {
                var sequences = new List<long>();
                for (var i = 0; i < keys.Count; i++)
                {
                    sequences.Add(await _log.AppendAsync(connection, transaction, keys[i], EventLogHarnessExtensions.Payload(keys[i], i), occurTime));
                }

                if (beforeCommit is not null)
                {
                    await beforeCommit();
                }

                return commit ? sequences : throw new RollbackException();
            });
        }
        catch (RollbackException) when (!commit)
        {
            return [];
        }
    }

    public ValueTask DisposeAsync()
    {
        _database.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: the temp folder is not worth failing a test for.
        }

        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// The PostgreSQL log, appending either at once (<see cref="PostgresEventLog.AppendAsync"/>) or
/// with the commit (<see cref="PostgresEventLog.AppendAtCommit"/>, as the services do).
/// </summary>
public sealed class PostgresHarness : IEventLogHarness
{
    private readonly PostgresServer.TestDatabase _testDatabase;
    private readonly PostgresEventLog _log;
    private readonly bool _atCommit;

    private PostgresHarness(PostgresServer.TestDatabase testDatabase, PostgresDatabase database, PostgresEventLog log, bool atCommit)
    {
        _testDatabase = testDatabase;
        Database = database;
        _log = log;
        _atCommit = atCommit;
    }

    public PostgresDatabase Database { get; }

    public IEventLog Log => _log;

    public static async Task<PostgresHarness> CreateAsync(string name = "probe", bool atCommit = false)
    {
        var testDatabase = await PostgresServer.CreateDatabaseAsync();
        var database = new PostgresDatabase(testDatabase.ConnectionString);
        await database.MigrateAsync([PostgresEventLog.Migration(name)]);
        return new PostgresHarness(testDatabase, database, new PostgresEventLog(database, name), atCommit);
    }

    public async Task<IReadOnlyList<long>> AppendAsync(IReadOnlyList<string> keys, DateTimeOffset occurTime, Func<Task>? beforeCommit = null, bool commit = true)
    {
        try
        {
            var appended = await Database.WriteAsync<IReadOnlyList<Task<long>>>(async (connection, transaction) =>
            {
                var sequences = new List<Task<long>>();
                for (var i = 0; i < keys.Count; i++)
                {
                    var payload = EventLogHarnessExtensions.Payload(keys[i], i);
                    sequences.Add(_atCommit
                        ? _log.AppendAtCommit(transaction, keys[i], payload, occurTime)
                        : Task.FromResult(await _log.AppendAsync(connection, transaction, keys[i], payload, occurTime)));
                }

                if (beforeCommit is not null)
                {
                    await beforeCommit();
                }

                return commit ? sequences : throw new RollbackException();
            });
            return await Task.WhenAll(appended);
        }
        catch (RollbackException) when (!commit)
        {
            return [];
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _log.DisposeAsync();
        await Database.DisposeAsync();
        await _testDatabase.DisposeAsync();
    }
}
