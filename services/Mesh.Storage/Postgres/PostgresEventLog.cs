using Google.Protobuf;
using Mesh.Storage;
using Npgsql;
using NpgsqlTypes;

namespace Mesh.Storage.Postgres;

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
/// out, an append first takes a transaction-scoped advisory lock for this log
/// (<c>pg_advisory_xact_lock(<see cref="LockClass"/>, hashtext(name))</c>), and only then takes
/// its sequence. PostgreSQL makes a commit visible before it releases the transaction's locks,
/// so the next appender can take a sequence only after the previous appender's events are
/// visible (or rolled back). Hence sequence order is commit order, the committed events always
/// form a prefix of the sequence (with holes only where a transaction rolled back), and the head
/// <see cref="PositionAsync"/> reports — the largest committed sequence — can only ever be
/// followed by larger ones.</para>
/// <para><b>Cost.</b> Appends to one log are serialised from the lock until commit, so a log's
/// write throughput is bounded by 1 / (time the lock is held). <see cref="AppendAtCommit"/>
/// sends the lock, the inserts and the COMMIT in one round trip: the lock is held only while
/// the server runs them (well under a millisecond). <see cref="AppendAsync"/> holds it from the
/// append until the caller commits, at least one round trip to the client — which, on a
/// machine whose cores are busy, waits for the client's next turn and serialised PlaceOrder on
/// PostgreSQL at about 25/s (docs/benchmarks.md, "Failover"). Other writes, readers and other
/// logs are not affected. A transaction appending to two logs takes both locks, in the order it
/// first appended to each; keep that order fixed (PostgreSQL detects and breaks a deadlock, but
/// one of the writers fails).</para>
/// <para><b>Waking followers.</b> Each appending transaction calls <c>pg_notify('{name}_events', sequence)</c>
/// once, for its last event, which PostgreSQL delivers on commit (and drops on rollback) to
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
    private readonly Lock _listenerGate = new();
    private readonly CancellationTokenSource _stopListening = new();
    private readonly ChangeSignal _changes = new();
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
    /// Appends <paramref name="payload"/> to this log when <paramref name="transaction"/> commits:
    /// the append lock, the insert and the wake-up go in the commit's own round trip (see
    /// <see cref="PostgresCommit"/>), so the lock is held only while the server inserts and
    /// commits. Events of one transaction keep the order they were registered in. Only for a
    /// transaction <see cref="PostgresDatabase.WriteAsync{T}"/> runs.
    /// </summary>
    /// <returns>
    /// The event's sequence, once the transaction has committed; cancelled if it rolled back or
    /// its commit failed. Callers that need no sequence may ignore it.
    /// </returns>
    public Task<long> AppendAtCommit(NpgsqlTransaction transaction, string filterKey, IMessage payload, DateTimeOffset occurTime)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        ArgumentNullException.ThrowIfNull(filterKey);
        ArgumentNullException.ThrowIfNull(payload);
        return Database.CommitOf(transaction).Step(this, () => new PostgresPendingAppends(this)).Add(filterKey, payload, occurTime);
    }

    /// <inheritdoc />
    /// <remarks>The event goes with the COMMIT (<see cref="AppendAtCommit"/>): the store needs no sequence.</remarks>
    public Task AppendAsync(StoreSession session, string filterKey, IMessage payload, DateTimeOffset occurTime)
    {
        ArgumentNullException.ThrowIfNull(session);
        _ = AppendAtCommit((NpgsqlTransaction)session.Transaction!, filterKey, payload, occurTime);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Appends <paramref name="payload"/> inside the caller's READ COMMITTED transaction now and
    /// returns its sequence; takes the log's append lock until the transaction ends (see the
    /// remarks), so every round trip before the commit is spent holding it. Prefer
    /// <see cref="AppendAtCommit"/>, which holds it for no round trip at all.
    /// </summary>
    public async Task<long> AppendAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string filterKey, IMessage payload, DateTimeOffset occurTime)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(payload);
        await using var batch = new NpgsqlBatch(connection, transaction);
        batch.BatchCommands.Add(LockCommand());
        batch.BatchCommands.Add(InsertCommand(filterKey, payload, occurTime, notify: true));
        await using var reader = await batch.ExecuteReaderAsync();
        await reader.NextResultAsync(); // past the lock's (void) result
        await reader.ReadAsync();
        return reader.GetInt64(0);
    }

    /// <summary>The append lock; always taken before the sequence (see the remarks).</summary>
    internal NpgsqlBatchCommand LockCommand()
    {
        var command = new NpgsqlBatchCommand("SELECT pg_advisory_xact_lock($1, hashtext($2));");
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = LockClass });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Name });
        return command;
    }

    /// <summary>Inserts one event, returning its sequence; <paramref name="notify"/> also wakes the followers on commit.</summary>
    internal NpgsqlBatchCommand InsertCommand(string filterKey, IMessage payload, DateTimeOffset occurTime, bool notify)
    {
        var command = new NpgsqlBatchCommand(notify
            ? $"""
                WITH appended AS (
                    INSERT INTO {_table} (filter_key, payload, occur_time_ms) VALUES ($1, $2, $3) RETURNING sequence
                )
                SELECT sequence, pg_notify($4, sequence::text) FROM appended;
                """
            : $"INSERT INTO {_table} (filter_key, payload, occur_time_ms) VALUES ($1, $2, $3) RETURNING sequence;");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = filterKey });
        command.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = payload.ToByteArray(), NpgsqlDbType = NpgsqlDbType.Bytea });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = occurTime.ToUnixTimeMilliseconds() });
        if (notify)
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = _channel });
        }

        return command;
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
    public Task<int> PruneAsync(DateTimeOffset cutoff, long throughSequence, CancellationToken cancellationToken) =>
        Database.WriteAsync(async (connection, transaction) =>
        {
            // Safe beside appenders and other replicas' pruners: it touches committed rows only
            // (every in-flight append has a larger sequence than any of them), and the mark only grows.
            await using (var mark = new NpgsqlCommand($"""
                INSERT INTO event_log_retention (log, pruned_through)
                SELECT $1, max(sequence) FROM {_table} WHERE occur_time_ms < $2 AND sequence <= $3 HAVING max(sequence) IS NOT NULL
                ON CONFLICT (log) DO UPDATE SET pruned_through = greatest(event_log_retention.pruned_through, excluded.pruned_through);
                """, connection, transaction))
            {
                mark.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Name });
                mark.Parameters.Add(new NpgsqlParameter<long> { TypedValue = cutoff.ToUnixTimeMilliseconds() });
                mark.Parameters.Add(new NpgsqlParameter<long> { TypedValue = throughSequence });
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
        lock (_listenerGate)
        {
            if (_disposed)
            {
                return Task.CompletedTask; // nothing will listen any more: let callers re-read and stop
            }

            // One LISTEN connection per log and process, opened by the first follower.
            _listener ??= Task.Run(() => ListenAsync(_stopListening.Token));
            return _changes.Next();
        }
    }

    private async Task ListenAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await using var connection = await Database.OpenAsync(stopping);
                connection.Notification += (_, _) => _changes.Signal();
                await using (var listen = new NpgsqlCommand($"LISTEN {_channel};", connection))
                {
                    await listen.ExecuteNonQueryAsync(stopping);
                }

                // A commit before LISTEN took effect sent no notification here: wake everyone to re-read.
                _changes.Signal();
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
                _changes.Signal();
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
        lock (_listenerGate)
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
        _changes.Signal(); // nobody waits on a log that no longer listens
    }

    private static string TableName(string name) => name + "_events";
}
