using Google.Protobuf;
using Mesh.ServiceDefaults.Feeds;
using Npgsql;
using NpgsqlTypes;

namespace Mesh.ServiceDefaults.Storage.Postgres;

/// <summary>
/// A service's event log (transactional outbox) in its PostgreSQL database, shared by all of
/// the service's replicas: events are appended inside the same transaction as the state change
/// they announce, and a follower on any replica sees every committed event exactly once, in
/// order.
/// </summary>
/// <remarks>
/// <para><b>No event is ever skipped.</b> A sequence value is taken before its transaction
/// commits, so with several writers a transaction holding sequence 7 could commit after one
/// holding 8, and a follower that had already read through 8 would never see 7. To rule that
/// out, <see cref="AppendAsync"/> first takes a transaction-scoped advisory lock for this log
/// (<c>pg_advisory_xact_lock(<see cref="LockClass"/>, hashtext(name))</c>), and only then takes
/// its sequence. PostgreSQL makes a commit visible before it releases the transaction's locks,
/// so the next appender can take a sequence only after the previous appender's events are
/// visible (or rolled back). Hence sequence order is commit order, the committed events always
/// form a prefix of the sequence (with holes only where a transaction rolled back), and the head
/// <see cref="PositionAsync"/> reports — the largest committed sequence — can only ever be
/// followed by larger ones.</para>
/// <para><b>Cost.</b> Appends to one log are serialised from the append until commit: at most
/// one transaction per log is between those two points at a time, so a log's write throughput
/// is bounded by 1 / (time from append to commit) — one round trip plus the commit's WAL flush
/// when the caller appends last, far more if it does slow work after appending (and a stalled
/// appender stalls every appender of the log). Append last, right before commit. Other writes
/// in the same transaction, writes that append nothing, readers and other logs are not
/// affected. A transaction appending to two logs takes both locks; take them in a fixed order
/// (PostgreSQL detects and breaks a deadlock, but one of the writers fails).</para>
/// <para><b>Waking followers.</b> Each append calls <c>pg_notify('{name}_events', sequence)</c>
/// in the same transaction, which PostgreSQL delivers on commit (and drops on rollback) to
/// every replica. One LISTEN connection per log and process completes <see cref="NextChange"/>;
/// followers also re-read at every heartbeat, a bounded poll should a notification be lost
/// (e.g. while the LISTEN connection reconnects).</para>
/// </remarks>
public sealed class PostgresEventLog : IEventLog, IAsyncDisposable
{
    /// <summary>The first key of the two-int advisory lock a log's appenders take ("MESH").</summary>
    public const int LockClass = 0x4D45_5348;

    private static readonly TimeSpan ListenIdleCheck = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ListenRetry = TimeSpan.FromSeconds(1);

    private readonly string _table;
    private readonly string _channel;
    private readonly Lock _changeGate = new();
    private readonly CancellationTokenSource _stopListening = new();
    private TaskCompletionSource _nextChange = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _listener;
    private bool _disposed;

    public PostgresEventLog(PostgresDatabase database, string name)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!name.All(c => char.IsAsciiLetterLower(c) || c == '_'))
        {
            throw new ArgumentException("An event log name is lower-case letters and underscores.", nameof(name));
        }

        Database = database;
        Name = name;
        _table = TableName(name);
        _channel = TableName(name); // the NOTIFY channel has the table's name
    }

    public PostgresDatabase Database { get; }

    /// <summary>The feed's name, e.g. "inventory"; its table and NOTIFY channel are <c>{name}_events</c>.</summary>
    public string Name { get; }

    /// <summary>The migration that creates the log's tables; add it to the service's schema.</summary>
    public static string Migration(string name) => $"""
        CREATE TABLE {TableName(name)} (
            sequence      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            filter_key    text   NOT NULL,
            payload       bytea  NOT NULL,
            occur_time_ms bigint NOT NULL
        );
        CREATE INDEX {TableName(name)}_by_filter ON {TableName(name)} (filter_key, sequence);
        CREATE TABLE IF NOT EXISTS event_log_retention (
            log            text   PRIMARY KEY,
            pruned_through bigint NOT NULL
        );
        """;

    /// <summary>
    /// Appends <paramref name="payload"/> inside the caller's READ COMMITTED transaction; returns
    /// its sequence. Takes the log's append lock until the transaction ends (see the remarks).
    /// </summary>
    public async Task<long> AppendAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string filterKey, IMessage payload, DateTimeOffset occurTime)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(payload);
        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock($1, hashtext($2));", connection, transaction))
        {
            lockCommand.Parameters.Add(new NpgsqlParameter<int> { TypedValue = LockClass });
            lockCommand.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Name });
            await lockCommand.ExecuteNonQueryAsync();
        }

        await using var insert = new NpgsqlCommand($"""
            WITH appended AS (
                INSERT INTO {_table} (filter_key, payload, occur_time_ms) VALUES ($1, $2, $3) RETURNING sequence
            )
            SELECT sequence, pg_notify($4, sequence::text) FROM appended;
            """, connection, transaction);
        insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = filterKey });
        insert.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = payload.ToByteArray(), NpgsqlDbType = NpgsqlDbType.Bytea });
        insert.Parameters.Add(new NpgsqlParameter<long> { TypedValue = occurTime.ToUnixTimeMilliseconds() });
        insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = _channel });
        await using var reader = await insert.ExecuteReaderAsync();
        await reader.ReadAsync();
        return reader.GetInt64(0);
    }

    /// <inheritdoc />
    public Task<EventLogPosition> PositionAsync(CancellationToken cancellationToken) =>
        Database.ReadAsync(async connection =>
        {
            // One statement, one snapshot. Commits happen in sequence order (see the remarks), so
            // the largest visible sequence is a safe head; after retention deleted every row the
            // pruned-through mark keeps the head from going back.
            await using var command = new NpgsqlCommand($"""
                SELECT greatest(coalesce((SELECT max(sequence) FROM {_table}), 0), r.pruned_through), r.pruned_through
                FROM (SELECT coalesce((SELECT pruned_through FROM event_log_retention WHERE log = $1), 0) AS pruned_through) AS r;
                """, connection);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Name });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            return new EventLogPosition(reader.GetInt64(0), reader.GetInt64(1));
        }, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<StoredEvent>> ReadAsync(
        long after, long through, int limit, IReadOnlyCollection<string> filterKeys, CancellationToken cancellationToken) =>
        Database.ReadAsync<IReadOnlyList<StoredEvent>>(async connection =>
        {
            ArgumentNullException.ThrowIfNull(filterKeys);
            var filter = filterKeys.Count > 0 ? " AND filter_key = ANY($4)" : string.Empty;
            await using var command = new NpgsqlCommand($"""
                SELECT sequence, filter_key, payload, occur_time_ms FROM {_table}
                WHERE sequence > $1 AND sequence <= $2{filter}
                ORDER BY sequence LIMIT $3;
                """, connection);
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = after });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = through });
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
            if (filterKeys.Count > 0)
            {
                command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. filterKeys] });
            }

            var events = new List<StoredEvent>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                events.Add(new StoredEvent(
                    reader.GetInt64(0),
                    reader.GetString(1),
                    reader.GetFieldValue<byte[]>(2),
                    DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3))));
            }

            return events;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<int> PruneAsync(DateTimeOffset cutoff, CancellationToken cancellationToken) =>
        Database.WriteAsync(async (connection, transaction) =>
        {
            // Safe beside appenders and other replicas' pruners: it touches committed rows only
            // (every in-flight append has a larger sequence than any of them), and the mark only grows.
            await using (var mark = new NpgsqlCommand($"""
                INSERT INTO event_log_retention (log, pruned_through)
                SELECT $1, max(sequence) FROM {_table} WHERE occur_time_ms < $2 HAVING max(sequence) IS NOT NULL
                ON CONFLICT (log) DO UPDATE SET pruned_through = greatest(event_log_retention.pruned_through, excluded.pruned_through);
                """, connection, transaction))
            {
                mark.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Name });
                mark.Parameters.Add(new NpgsqlParameter<long> { TypedValue = cutoff.ToUnixTimeMilliseconds() });
                await mark.ExecuteNonQueryAsync(cancellationToken);
            }

            // Delete by sequence, not by time alone, so the retained log stays one unbroken range.
            await using var delete = new NpgsqlCommand(
                $"DELETE FROM {_table} WHERE sequence <= (SELECT pruned_through FROM event_log_retention WHERE log = $1);",
                connection, transaction);
            delete.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Name });
            return await delete.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken);

    /// <inheritdoc />
    public Task NextChange()
    {
        lock (_changeGate)
        {
            if (_disposed)
            {
                return Task.CompletedTask; // nothing will listen any more: let callers re-read and stop
            }

            // One LISTEN connection per log and process, opened by the first follower.
            _listener ??= Task.Run(() => ListenAsync(_stopListening.Token));
            return _nextChange.Task;
        }
    }

    private void SignalChange()
    {
        TaskCompletionSource changed;
        lock (_changeGate)
        {
            changed = _nextChange;
            _nextChange = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
    }

    private async Task ListenAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await using var connection = await Database.OpenAsync(stopping);
                connection.Notification += (_, _) => SignalChange();
                await using (var listen = new NpgsqlCommand($"LISTEN {_channel};", connection))
                {
                    await listen.ExecuteNonQueryAsync(stopping);
                }

                // A commit before LISTEN took effect sent no notification here: wake everyone to re-read.
                SignalChange();
                while (true)
                {
                    if (!await connection.WaitAsync(ListenIdleCheck, stopping))
                    {
                        // Idle: make sure the connection is still alive, or the loop reconnects.
                        await using var ping = new NpgsqlCommand("SELECT 1;", connection);
                        await ping.ExecuteNonQueryAsync(stopping);
                    }
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception) when (exception is NpgsqlException or TimeoutException or IOException or InvalidOperationException)
            {
                // Lost the LISTEN connection: followers re-read now and poll at heartbeats until it is back.
                SignalChange();
                try
                {
                    await Task.Delay(ListenRetry, stopping);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        Task? listener;
        lock (_changeGate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            listener = _listener;
        }

        await _stopListening.CancelAsync();
        if (listener is not null)
        {
            await listener;
        }

        _stopListening.Dispose();
        SignalChange(); // nobody waits on a log that no longer listens
    }

    private static string TableName(string name) => name + "_events";
}
