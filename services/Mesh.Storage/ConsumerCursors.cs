using System.Globalization;

namespace Mesh.Storage;

/// <summary>
/// Where each feed consumer of a service has got to: one row per consumer group (not per
/// replica) in the service's own database, moved in the same transaction as the effects of the
/// events it covers, so a crash or a restart neither loses nor repeats an event. Every replica
/// may run a consumer: <see cref="LockAsync"/> makes them take turns on the cursor row.
/// </summary>
public sealed class ConsumerCursors(StoreDatabase database) : IConsumerCursors
{
    /// <summary>The SQLite migration that creates the cursor table; add it to the service's schema.</summary>
    public const string SqliteMigration = """
        CREATE TABLE consumer_cursors (
            consumer      TEXT    PRIMARY KEY,
            sequence      INTEGER NOT NULL CHECK (sequence >= 0),
            update_time_ms INTEGER NOT NULL
        ) STRICT;
        """;

    /// <summary>The PostgreSQL migration that creates the cursor table; add it to the service's schema.</summary>
    public const string PostgresMigration = """
        CREATE TABLE consumer_cursors (
            consumer       text   PRIMARY KEY,
            sequence       bigint NOT NULL CHECK (sequence >= 0),
            update_time_ms bigint NOT NULL
        );
        """;

    /// <inheritdoc />
    public Task<long> GetAsync(string consumer, CancellationToken cancellationToken) =>
        database.ReadAsync(session => GetAsync(session, consumer), cancellationToken);

    /// <summary>The cursor as <paramref name="session"/> sees it, or 0.</summary>
    public static async Task<long> GetAsync(StoreSession session, string consumer)
    {
        ArgumentNullException.ThrowIfNull(session);
        // Hand-bound: GetUser reads it on every call (see OrderStatsStore).
        await using var select = session.Command("SELECT sequence FROM consumer_cursors WHERE consumer = @consumer;", ("consumer", consumer));
        return await select.ExecuteScalarAsync(session.CancellationToken) is { } sequence and not DBNull ? Convert.ToInt64(sequence, CultureInfo.InvariantCulture) : 0;
    }

    /// <summary>
    /// Locks <paramref name="consumer"/>'s cursor row until the write transaction ends and returns
    /// the cursor. Another replica applying the same consumer waits here, then sees the cursor this
    /// transaction committed and skips what it covers. Call it first, before any effect.
    /// </summary>
    public static async Task<long> LockAsync(StoreSession session, string consumer, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(session);
        // A row lock locks nothing while the row does not exist, so make sure it does. Two statements
        // in one round trip: in READ COMMITTED the SELECT takes its snapshot after the INSERT, which
        // waits for a racing replica's insert of the same row to commit.
        return await session.ExecuteScalarAsync<long>($"""
            INSERT INTO consumer_cursors (consumer, sequence, update_time_ms) VALUES (@consumer, 0, @now)
            ON CONFLICT (consumer) DO NOTHING;
            SELECT sequence FROM consumer_cursors WHERE consumer = @consumer {session.Dialect.ForUpdate};
            """, new { consumer, now = now.ToUnixTimeMilliseconds() });
    }

    /// <summary>Moves the cursor inside the write transaction (after <see cref="LockAsync"/>); it never moves backwards.</summary>
    public static Task SetAsync(StoreSession session, string consumer, long sequence, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(session);
        return WriteAsync(session, consumer, sequence, now, session.Dialect.Greatest("consumer_cursors.sequence", "excluded.sequence"));
    }

    /// <summary>
    /// Puts the cursor at <paramref name="sequence"/>, backwards too: for a consumer that
    /// resynchronised from a snapshot of a feed whose log was replaced (its new head may be
    /// below the old cursor).
    /// </summary>
    public static Task ResetAsync(StoreSession session, string consumer, long sequence, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(session);
        return WriteAsync(session, consumer, sequence, now, "excluded.sequence");
    }

    private static Task WriteAsync(StoreSession session, string consumer, long sequence, DateTimeOffset now, string newSequence)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sequence);
        return session.ExecuteAsync($"""
            INSERT INTO consumer_cursors (consumer, sequence, update_time_ms) VALUES (@consumer, @sequence, @now)
            ON CONFLICT (consumer) DO UPDATE SET sequence = {newSequence}, update_time_ms = excluded.update_time_ms;
            """, new { consumer, sequence, now = now.ToUnixTimeMilliseconds() });
    }
}
