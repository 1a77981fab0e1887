namespace Mesh.Storage;

/// <summary>
/// The message ids a broker consumer has applied, one row per (consumer, message id), written in
/// the same transaction as the message's effect. A redelivered message finds its row and is passed
/// over, so its effect happens once however often the broker delivers it.
/// </summary>
public static class MessageInbox
{
    /// <summary>The SQLite migration that creates the inbox; add it to the service's schema.</summary>
    public const string SqliteMigration = """
        CREATE TABLE inbox_messages (
            consumer        TEXT    NOT NULL,
            message_id      TEXT    NOT NULL,
            receive_time_ms INTEGER NOT NULL,
            PRIMARY KEY (consumer, message_id)
        ) STRICT;
        CREATE INDEX inbox_messages_by_time ON inbox_messages (receive_time_ms);
        """;

    /// <summary>The PostgreSQL migration that creates the inbox; add it to the service's schema.</summary>
    public const string PostgresMigration = """
        CREATE TABLE inbox_messages (
            consumer        text   NOT NULL,
            message_id      text   NOT NULL,
            receive_time_ms bigint NOT NULL,
            PRIMARY KEY (consumer, message_id)
        );
        CREATE INDEX inbox_messages_by_time ON inbox_messages (receive_time_ms);
        """;

    /// <summary>
    /// Records <paramref name="messageId"/> for <paramref name="consumer"/> inside the write
    /// transaction; true when it is new (apply its effect), false when it was applied before.
    /// On PostgreSQL a replica inserting the same id concurrently waits here for the first to end.
    /// </summary>
    public static async Task<bool> TryRecordAsync(StoreSession session, string consumer, string messageId, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentException.ThrowIfNullOrEmpty(messageId);
        var inserted = await session.ExecuteAsync("""
            INSERT INTO inbox_messages (consumer, message_id, receive_time_ms) VALUES (@consumer, @messageId, @now)
            ON CONFLICT (consumer, message_id) DO NOTHING;
            """, new { consumer, messageId, now = now.ToUnixTimeMilliseconds() });
        return inserted == 1;
    }

    /// <summary>Deletes the ids recorded before <paramref name="cutoff"/>: redeliveries come within minutes, not weeks.</summary>
    public static Task<int> PruneAsync(StoreSession session, DateTimeOffset cutoff)
    {
        ArgumentNullException.ThrowIfNull(session);
        return session.ExecuteAsync("DELETE FROM inbox_messages WHERE receive_time_ms < @cutoff;", new { cutoff = cutoff.ToUnixTimeMilliseconds() });
    }
}
