using Mesh.Storage.Sqlite;
using Mesh.Users.Domain;
using Microsoft.Data.Sqlite;

namespace Mesh.Users.Storage;

/// <summary>
/// The order statistics in SQLite (one process, one consumer). Writes are serialised by the
/// database, so reading the cursor inside the write transaction is enough to skip what was applied.
/// </summary>
public sealed class SqliteOrderStatsRepository(SqliteDatabase database) : IOrderStatsRepository
{
    private const string CursorName = IOrderStatsRepository.CursorName;

    /// <inheritdoc />
    public Task<long> ApplyAsync(IReadOnlyList<OrderStatsChange> changes, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(changes);

        return database.WriteAsync(async (connection, transaction) =>
        {
            var cursor = await SqliteConsumerCursors.GetAsync(connection, transaction, CursorName);
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

            await SqliteConsumerCursors.SetAsync(connection, transaction, CursorName, cursor, now);
            return cursor;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<long> SkipToAsync(long sequence, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sequence);

        return database.WriteAsync(async (connection, transaction) =>
        {
            await SqliteConsumerCursors.SetAsync(connection, transaction, CursorName, sequence, now);
            return await SqliteConsumerCursors.GetAsync(connection, transaction, CursorName);
        }, cancellationToken);
    }

    /// <inheritdoc />
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

            var through = await SqliteConsumerCursors.GetAsync(connection, transaction, CursorName);
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

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction transaction, string sql) =>
        connection.Prepared(sql, transaction);
}
