using System.Globalization;
using Google.Protobuf;
using Mesh.Storage;
using Microsoft.Data.Sqlite;

namespace Mesh.Storage.Sqlite;

/// <summary>
/// A service's event log (transactional outbox) in its own SQLite database: events are appended
/// inside the same write transaction as the state change they announce, so a change is never
/// announced without happening or made without being announced. SQLite has one writer, so
/// sequence order is commit order and a reader that has passed sequence N never sees a
/// smaller one appear later.
/// </summary>
public sealed class SqliteEventLog : IEventLog
{
    private readonly string _table;

    // The log's SQL, built once per log so each text is the same on every call and its
    // statement is prepared once per connection (SqliteCommandExtensions.Prepared).
    private readonly string _appendSql;
    private readonly string _positionSql;
    private readonly string _pruneMarkSql;
    private readonly string _pruneDeleteSql;

    // Page queries by number of filter keys, built on first use (a race builds the same text twice, harmlessly).
    private readonly string?[] _readSql = new string?[9];

    public SqliteEventLog(SqliteDatabase database, string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!name.All(c => char.IsAsciiLetterLower(c) || c == '_'))
        {
            throw new ArgumentException("An event log name is lower-case letters and underscores.", nameof(name));
        }

        Database = database;
        Name = name;
        _table = TableName(name);
        _appendSql = $"INSERT INTO {_table} (filter_key, payload, occur_time_ms) VALUES ($key, $payload, $time) RETURNING sequence;";
        // AUTOINCREMENT remembers the largest sequence even after retention deleted every row.
        _positionSql = $"""
            SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = '{_table}'), 0),
                   coalesce((SELECT pruned_through FROM event_log_retention WHERE log = $log), 0);
            """;
        _pruneMarkSql = $"""
            INSERT INTO event_log_retention (log, pruned_through)
            SELECT $log, max(sequence) FROM {_table} WHERE occur_time_ms < $cutoff AND sequence <= $through HAVING max(sequence) IS NOT NULL
            ON CONFLICT (log) DO UPDATE SET pruned_through = max(pruned_through, excluded.pruned_through);
            """;
        // Delete by sequence, not by time alone, so the retained log stays one unbroken range.
        _pruneDeleteSql = $"DELETE FROM {_table} WHERE sequence <= (SELECT pruned_through FROM event_log_retention WHERE log = $log);";
    }

    public SqliteDatabase Database { get; }

    /// <summary>The feed's name, e.g. "inventory"; its table is <c>{name}_events</c>.</summary>
    public string Name { get; }

    /// <summary>The migration that creates the log's tables; add it to the service's schema.</summary>
    public static string Migration(string name) => $"""
        CREATE TABLE {TableName(name)} (
            sequence      INTEGER PRIMARY KEY AUTOINCREMENT,
            filter_key    TEXT    NOT NULL,
            payload       BLOB    NOT NULL,
            occur_time_ms INTEGER NOT NULL
        ) STRICT;
        CREATE INDEX {TableName(name)}_by_filter ON {TableName(name)} (filter_key, sequence);
        CREATE TABLE IF NOT EXISTS event_log_retention (
            log            TEXT    PRIMARY KEY,
            pruned_through INTEGER NOT NULL
        ) STRICT;
        """;

    /// <summary>Appends <paramref name="payload"/> inside the caller's write transaction; returns its sequence.</summary>
    public async Task<long> AppendAsync(
        SqliteConnection connection, SqliteTransaction transaction, string filterKey, IMessage payload, DateTimeOffset occurTime)
    {
        using var command = connection.Prepared(_appendSql, transaction);
        command.Parameters.AddWithValue("$key", filterKey);
        command.Parameters.AddWithValue("$payload", payload.ToByteArray());
        command.Parameters.AddWithValue("$time", occurTime.ToUnixTimeMilliseconds());
        var sequence = Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
        Database.NoteAppend(Name);
        return sequence;
    }

    /// <inheritdoc />
    public Task AppendAsync(StoreSession session, string filterKey, IMessage payload, DateTimeOffset occurTime)
    {
        ArgumentNullException.ThrowIfNull(session);
        return AppendAsync((SqliteConnection)session.Connection, (SqliteTransaction)session.Transaction!, filterKey, payload, occurTime);
    }

    public Task<EventLogPosition> PositionAsync(CancellationToken cancellationToken) =>
        Database.ReadAsync(async connection =>
        {
            using var command = connection.Prepared(_positionSql);
            command.Parameters.AddWithValue("$log", Name);
            using var reader = await command.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            return new EventLogPosition(reader.GetInt64(0), reader.GetInt64(1));
        }, cancellationToken);

    /// <inheritdoc />
    public Task NextChange() => Database.NextAppend(Name);

    /// <summary>
    /// Up to <paramref name="limit"/> events with after &lt; sequence ≤ through, oldest first,
    /// only those whose filter key is in <paramref name="filterKeys"/> when it is not empty.
    /// </summary>
    public Task<IReadOnlyList<StoredEvent>> ReadAsync(
        long after, long through, int limit, IReadOnlyCollection<string> filterKeys, CancellationToken cancellationToken) =>
        Database.ReadAsync<IReadOnlyList<StoredEvent>>(async connection =>
        {
            using var command = connection.Prepared(ReadSql(filterKeys.Count));
            var index = 0;
            foreach (var key in filterKeys)
            {
                command.Parameters.AddWithValue(FilterParameter(index++), key);
            }

            command.Parameters.AddWithValue("$after", after);
            command.Parameters.AddWithValue("$through", through);
            command.Parameters.AddWithValue("$limit", limit);
            var events = new List<StoredEvent>();
            using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                events.Add(new StoredEvent(
                    reader.GetInt64(0),
                    reader.GetString(1),
                    (byte[])reader[2],
                    DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3))));
            }

            return events;
        }, cancellationToken);

    /// <summary>Deletes events committed before <paramref name="cutoff"/>; returns how many.</summary>
    public Task<int> PruneAsync(DateTimeOffset cutoff, long throughSequence, CancellationToken cancellationToken) =>
        Database.WriteAsync(async (connection, transaction) =>
        {
            using (var mark = connection.Prepared(_pruneMarkSql, transaction))
            {
                mark.Parameters.AddWithValue("$log", Name);
                mark.Parameters.AddWithValue("$cutoff", cutoff.ToUnixTimeMilliseconds());
                mark.Parameters.AddWithValue("$through", throughSequence);
                await mark.ExecuteNonQueryAsync(cancellationToken);
            }

            using var delete = connection.Prepared(_pruneDeleteSql, transaction);
            delete.Parameters.AddWithValue("$log", Name);
            return await delete.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken);

    private static string TableName(string name) => name + "_events";

    private static string FilterParameter(int index) => "$k" + index.ToString(CultureInfo.InvariantCulture);

    /// <summary>The page query for <paramref name="filterKeys"/> filter keys: one text per count.</summary>
    private string ReadSql(int filterKeys) =>
        filterKeys < _readSql.Length ? _readSql[filterKeys] ??= BuildReadSql(filterKeys) : BuildReadSql(filterKeys);

    private string BuildReadSql(int filterKeys)
    {
        var filter = filterKeys == 0
            ? string.Empty
            : $" AND filter_key IN ({string.Join(", ", Enumerable.Range(0, filterKeys).Select(FilterParameter))})";
        return $"""
            SELECT sequence, filter_key, payload, occur_time_ms FROM {_table}
            WHERE sequence > $after AND sequence <= $through{filter}
            ORDER BY sequence LIMIT $limit;
            """;
    }
}
