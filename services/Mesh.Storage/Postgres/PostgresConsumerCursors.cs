using Mesh.Storage;
using Npgsql;

namespace Mesh.Storage.Postgres;

/// <summary>
/// Feed consumer cursors in the service's PostgreSQL database: one row per consumer group, not
/// per replica, moved in the same transaction as the effects of the events it covers. Every
/// replica may run the consumer; <see cref="LockAsync"/> serialises them on the cursor row, so
/// an event one replica applied is skipped by the others and its effect happens exactly once.
/// </summary>
public sealed class PostgresConsumerCursors(PostgresDatabase database) : IConsumerCursors
{
    /// <summary>The migration that creates the cursor table; add it to the service's schema.</summary>
    public const string Migration = """
        CREATE TABLE consumer_cursors (
            consumer       text   PRIMARY KEY,
            sequence       bigint NOT NULL CHECK (sequence >= 0),
            update_time_ms bigint NOT NULL
        );
        """;

    /// <inheritdoc />
    public Task<long> GetAsync(string consumer, CancellationToken cancellationToken) =>
        database.ReadAsync(async connection =>
        {
            await using var command = new NpgsqlCommand("SELECT sequence FROM consumer_cursors WHERE consumer = $1;", connection);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = consumer });
            return await command.ExecuteScalarAsync(cancellationToken) is long sequence ? sequence : 0;
        }, cancellationToken);

    /// <summary>
    /// Locks <paramref name="consumer"/>'s cursor row until the caller's transaction ends and
    /// returns the cursor. Another replica applying the same consumer waits here, then sees the
    /// cursor this transaction committed and skips what it covers. Call it first, before any
    /// effect, so the skip decision and the effects are made under the same lock.
    /// </summary>
    public static async Task<long> LockAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string consumer, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(connection);
        // FOR UPDATE locks nothing when the row does not exist yet, so make sure it does. Two
        // statements, not one: in READ COMMITTED the SELECT must take a snapshot after the INSERT,
        // which waits for a racing replica's insert of the same row to commit. One batch, one
        // round trip: the statements still run one after the other, each with its own snapshot.
        var ensure = new NpgsqlBatchCommand(
            "INSERT INTO consumer_cursors (consumer, sequence, update_time_ms) VALUES ($1, 0, $2) ON CONFLICT (consumer) DO NOTHING;");
        ensure.Parameters.Add(new NpgsqlParameter<string> { TypedValue = consumer });
        ensure.Parameters.Add(new NpgsqlParameter<long> { TypedValue = now.ToUnixTimeMilliseconds() });
        var select = new NpgsqlBatchCommand("SELECT sequence FROM consumer_cursors WHERE consumer = $1 FOR UPDATE;");
        select.Parameters.Add(new NpgsqlParameter<string> { TypedValue = consumer });
        await using var batch = new NpgsqlBatch(connection, transaction) { BatchCommands = { ensure, select } };
        return (long)(await batch.ExecuteScalarAsync())!;
    }

    /// <summary>Moves the cursor inside the caller's transaction (after <see cref="LockAsync"/>); it never moves backwards.</summary>
    public static Task SetAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string consumer, long sequence, DateTimeOffset now) =>
        WriteAsync(connection, transaction, consumer, sequence, now, """
            INSERT INTO consumer_cursors (consumer, sequence, update_time_ms) VALUES ($1, $2, $3)
            ON CONFLICT (consumer) DO UPDATE SET sequence = greatest(consumer_cursors.sequence, excluded.sequence),
                                                 update_time_ms = excluded.update_time_ms;
            """);

    /// <summary>
    /// Puts the cursor at <paramref name="sequence"/>, backwards too, inside the caller's
    /// transaction: for a consumer that resynchronised from a snapshot of a feed whose log was
    /// replaced (its new head may be below the old cursor).
    /// </summary>
    public static Task ResetAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string consumer, long sequence, DateTimeOffset now) =>
        WriteAsync(connection, transaction, consumer, sequence, now, """
            INSERT INTO consumer_cursors (consumer, sequence, update_time_ms) VALUES ($1, $2, $3)
            ON CONFLICT (consumer) DO UPDATE SET sequence = excluded.sequence, update_time_ms = excluded.update_time_ms;
            """);

    private static async Task WriteAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string consumer, long sequence, DateTimeOffset now, string sql)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentOutOfRangeException.ThrowIfNegative(sequence);
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = consumer });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = sequence });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = now.ToUnixTimeMilliseconds() });
        await command.ExecuteNonQueryAsync();
    }
}
