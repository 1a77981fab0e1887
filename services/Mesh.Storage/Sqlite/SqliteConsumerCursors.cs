using System.Globalization;
using Mesh.Storage;
using Microsoft.Data.Sqlite;

namespace Mesh.Storage.Sqlite;

/// <summary>
/// Where each feed consumer of a service has got to, stored in the service's own database so
/// that the cursor is written in the same transaction as the effect of the events it covers:
/// a crash or restart then neither loses nor repeats an event.
/// </summary>
public sealed class SqliteConsumerCursors(SqliteDatabase database) : IConsumerCursors
{
    /// <summary>The migration that creates the cursor table; add it to the service's schema.</summary>
    public const string Migration = """
        CREATE TABLE consumer_cursors (
            consumer      TEXT    PRIMARY KEY,
            sequence      INTEGER NOT NULL CHECK (sequence >= 0),
            update_time_ms INTEGER NOT NULL
        ) STRICT;
        """;

    /// <summary>The last sequence <paramref name="consumer"/> applied, or 0.</summary>
    public Task<long> GetAsync(string consumer, CancellationToken cancellationToken) =>
        database.ReadAsync(async connection =>
        {
            using var command = connection.Prepared("SELECT sequence FROM consumer_cursors WHERE consumer = $consumer;");
            command.Parameters.AddWithValue("$consumer", consumer);
            var value = await command.ExecuteScalarAsync(cancellationToken);
            return value is null ? 0 : Convert.ToInt64(value, CultureInfo.InvariantCulture);
        }, cancellationToken);

    /// <summary>Moves the cursor inside the caller's transaction; it never moves backwards.</summary>
    public static async Task SetAsync(
        SqliteConnection connection, SqliteTransaction transaction, string consumer, long sequence, DateTimeOffset now)
    {
        using var command = connection.Prepared("""
            INSERT INTO consumer_cursors (consumer, sequence, update_time_ms) VALUES ($consumer, $sequence, $now)
            ON CONFLICT (consumer) DO UPDATE SET sequence = max(sequence, excluded.sequence), update_time_ms = excluded.update_time_ms;
            """, transaction);
        command.Parameters.AddWithValue("$consumer", consumer);
        command.Parameters.AddWithValue("$sequence", sequence);
        command.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// Puts the cursor at <paramref name="sequence"/>, backwards too, inside the caller's
    /// transaction: for a consumer that resynchronised from a snapshot of a feed whose log was
    /// replaced (its new head may be below the old cursor).
    /// </summary>
    public static async Task ResetAsync(
        SqliteConnection connection, SqliteTransaction transaction, string consumer, long sequence, DateTimeOffset now)
    {
        using var command = connection.Prepared("""
            INSERT INTO consumer_cursors (consumer, sequence, update_time_ms) VALUES ($consumer, $sequence, $now)
            ON CONFLICT (consumer) DO UPDATE SET sequence = excluded.sequence, update_time_ms = excluded.update_time_ms;
            """, transaction);
        command.Parameters.AddWithValue("$consumer", consumer);
        command.Parameters.AddWithValue("$sequence", sequence);
        command.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>The cursor as seen inside the caller's transaction (to skip events already applied).</summary>
    public static async Task<long> GetAsync(SqliteConnection connection, SqliteTransaction transaction, string consumer)
    {
        using var command = connection.Prepared("SELECT sequence FROM consumer_cursors WHERE consumer = $consumer;", transaction);
        command.Parameters.AddWithValue("$consumer", consumer);
        var value = await command.ExecuteScalarAsync();
        return value is null ? 0 : Convert.ToInt64(value, CultureInfo.InvariantCulture);
    }
}
