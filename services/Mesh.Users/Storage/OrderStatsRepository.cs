using Mesh.ServiceDefaults.Feeds;
using Mesh.ServiceDefaults.Storage;
using Mesh.Users.Domain;
using Microsoft.Data.Sqlite;

namespace Mesh.Users.Storage;

/// <summary>
/// The per-user order statistics and the cursor of the consumer that keeps them. Every batch of
/// changes and the cursor move commit in one transaction, and changes at or below the stored
/// cursor are passed over: an event delivered again after a reconnect or a crash is never
/// counted twice, and one whose batch did not commit is delivered again.
/// </summary>
public sealed class OrderStatsRepository(SqliteDatabase database)
{
    /// <summary>The consumer's name: its row in consumer_cursors and its lag metric's tag.</summary>
    public const string CursorName = "orders-events";

    /// <summary>
    /// Applies the changes not applied yet, in order, and moves the cursor past them, all in one
    /// transaction. Returns the cursor afterwards.
    /// </summary>
    public Task<long> ApplyAsync(IReadOnlyList<OrderStatsChange> changes, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(changes);

        return database.WriteAsync(async (connection, transaction) =>
        {
            var cursor = await ConsumerCursors.GetAsync(connection, transaction, CursorName);
            foreach (var change in changes)
            {
                if (change.Sequence <= cursor)
                {
                    continue; // applied before: a replay after a reconnect or a restart
                }

                if (!change.IsEmpty)
                {
                    await CountAsync(connection, transaction, change);
                }

                cursor = change.Sequence;
            }

            await ConsumerCursors.SetAsync(connection, transaction, CursorName, cursor, now);
            return cursor;
        }, cancellationToken);
    }

    /// <summary>
    /// Moves the cursor to <paramref name="sequence"/> without counting anything — for events
    /// the upstream deleted before they were read. Returns the cursor afterwards (it never moves back).
    /// </summary>
    public Task<long> SkipToAsync(long sequence, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sequence);

        return database.WriteAsync(async (connection, transaction) =>
        {
            await ConsumerCursors.SetAsync(connection, transaction, CursorName, sequence, now);
            return await ConsumerCursors.GetAsync(connection, transaction, CursorName);
        }, cancellationToken);
    }

    /// <summary>The statistics of <paramref name="userId"/> (zeroes when none), read in one snapshot with the cursor.</summary>
    public Task<UserOrderStats> GetAsync(string userId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);

        return database.ReadAsync(async connection =>
        {
            // One read transaction: the counts, the spend and through_sequence describe the same moment.
            await using var transaction = connection.BeginTransaction(deferred: true);
            long placed = 0, cancelled = 0, rejected = 0;
            await using (var counts = Command(connection, transaction, """
                SELECT orders_placed, orders_cancelled, orders_rejected FROM user_order_stats WHERE user_id = $user_id;
                """))
            {
                counts.Parameters.AddWithValue("$user_id", userId);
                await using var reader = await counts.ExecuteReaderAsync(cancellationToken);
                if (await reader.ReadAsync(cancellationToken))
                {
                    (placed, cancelled, rejected) = (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
                }
            }

            var spend = new List<CurrencyAmount>();
            await using (var amounts = Command(connection, transaction, """
                SELECT currency_code, amount_minor FROM user_order_spend WHERE user_id = $user_id ORDER BY currency_code;
                """))
            {
                amounts.Parameters.AddWithValue("$user_id", userId);
                await using var reader = await amounts.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    spend.Add(new CurrencyAmount(reader.GetString(0), reader.GetInt64(1)));
                }
            }

            var through = await ConsumerCursors.GetAsync(connection, transaction, CursorName);
            return new UserOrderStats(placed, cancelled, rejected, spend, through);
        }, cancellationToken);
    }

    private static async Task CountAsync(SqliteConnection connection, SqliteTransaction transaction, OrderStatsChange change)
    {
        await using (var counts = Command(connection, transaction, """
            INSERT INTO user_order_stats (user_id, orders_placed, orders_cancelled, orders_rejected)
            VALUES ($user_id, $placed, $cancelled, $rejected)
            ON CONFLICT (user_id) DO UPDATE SET
                orders_placed = orders_placed + excluded.orders_placed,
                orders_cancelled = orders_cancelled + excluded.orders_cancelled,
                orders_rejected = orders_rejected + excluded.orders_rejected;
            """))
        {
            counts.Parameters.AddWithValue("$user_id", change.UserId);
            counts.Parameters.AddWithValue("$placed", change.Placed);
            counts.Parameters.AddWithValue("$cancelled", change.Cancelled);
            counts.Parameters.AddWithValue("$rejected", change.Rejected);
            await counts.ExecuteNonQueryAsync();
        }

        if (change.Spend is not { } spend)
        {
            return;
        }

        await using var amount = Command(connection, transaction, """
            INSERT INTO user_order_spend (user_id, currency_code, amount_minor) VALUES ($user_id, $currency_code, $amount_minor)
            ON CONFLICT (user_id, currency_code) DO UPDATE SET amount_minor = amount_minor + excluded.amount_minor;
            """);
        amount.Parameters.AddWithValue("$user_id", change.UserId);
        amount.Parameters.AddWithValue("$currency_code", spend.CurrencyCode);
        amount.Parameters.AddWithValue("$amount_minor", spend.AmountMinor);
        await amount.ExecuteNonQueryAsync();
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }
}
