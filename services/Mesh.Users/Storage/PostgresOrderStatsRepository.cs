using System.Data;
using Mesh.Storage.Postgres;
using Mesh.Users.Domain;
using Npgsql;

namespace Mesh.Users.Storage;

/// <summary>
/// The order statistics in PostgreSQL, where every replica runs the consumer. Each apply
/// transaction first locks the consumer's cursor row (<see cref="PostgresConsumerCursors.LockAsync"/>):
/// replicas applying overlapping batches take turns, and each sees the cursor the previous one
/// committed, so it skips what that one counted. Every order event is counted exactly once.
/// </summary>
public sealed class PostgresOrderStatsRepository(PostgresDatabase database) : IOrderStatsRepository
{
    private const string CursorName = IOrderStatsRepository.CursorName;

    /// <inheritdoc />
    public Task<long> ApplyAsync(IReadOnlyList<OrderStatsChange> changes, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(changes);

        return database.WriteAsync(async (connection, transaction) =>
        {
            var cursor = await PostgresConsumerCursors.LockAsync(connection, transaction, CursorName, now);
            foreach (var change in changes)
            {
                if (change.Sequence <= cursor)
                {
                    continue; // applied before: a replay, or another replica got here first
                }

                if (!change.IsEmpty)
                {
                    await CountAsync(connection, transaction, change, cancellationToken);
                }

                cursor = change.Sequence;
            }

            await PostgresConsumerCursors.SetAsync(connection, transaction, CursorName, cursor, now);
            return cursor;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<long> SkipToAsync(long sequence, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sequence);

        return database.WriteAsync(async (connection, transaction) =>
        {
            var cursor = await PostgresConsumerCursors.LockAsync(connection, transaction, CursorName, now);
            await PostgresConsumerCursors.SetAsync(connection, transaction, CursorName, sequence, now);
            return Math.Max(cursor, sequence);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<UserOrderStats> GetAsync(string userId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);

        return database.ReadAsync(async connection =>
        {
            // READ COMMITTED gives each statement its own snapshot; REPEATABLE READ makes the
            // counts, the spend and through_sequence describe the same moment.
            await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
            long placed = 0, cancelled = 0, rejected = 0;
            await using (var counts = new NpgsqlCommand(
                "SELECT orders_placed, orders_cancelled, orders_rejected FROM user_order_stats WHERE user_id = $1;", connection, transaction))
            {
                counts.Parameters.Add(new NpgsqlParameter<string> { TypedValue = userId });
                await using var reader = await counts.ExecuteReaderAsync(cancellationToken);
                if (await reader.ReadAsync(cancellationToken))
                {
                    (placed, cancelled, rejected) = (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
                }
            }

            var spend = new List<CurrencyAmount>();
            await using (var amounts = new NpgsqlCommand(
                "SELECT currency_code, amount_minor FROM user_order_spend WHERE user_id = $1 ORDER BY currency_code COLLATE \"C\";",
                connection, transaction))
            {
                amounts.Parameters.Add(new NpgsqlParameter<string> { TypedValue = userId });
                await using var reader = await amounts.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    spend.Add(new CurrencyAmount(reader.GetString(0), reader.GetInt64(1)));
                }
            }

            long through;
            await using (var cursor = new NpgsqlCommand("SELECT sequence FROM consumer_cursors WHERE consumer = $1;", connection, transaction))
            {
                cursor.Parameters.Add(new NpgsqlParameter<string> { TypedValue = CursorName });
                through = await cursor.ExecuteScalarAsync(cancellationToken) is long sequence ? sequence : 0;
            }

            await transaction.CommitAsync(cancellationToken);
            return new UserOrderStats(placed, cancelled, rejected, spend, through);
        }, cancellationToken);
    }

    private static async Task CountAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, OrderStatsChange change, CancellationToken cancellationToken)
    {
        await using (var counts = new NpgsqlCommand("""
            INSERT INTO user_order_stats AS s (user_id, orders_placed, orders_cancelled, orders_rejected)
            VALUES ($1, $2, $3, $4)
            ON CONFLICT (user_id) DO UPDATE SET
                orders_placed = s.orders_placed + excluded.orders_placed,
                orders_cancelled = s.orders_cancelled + excluded.orders_cancelled,
                orders_rejected = s.orders_rejected + excluded.orders_rejected;
            """, connection, transaction))
        {
            counts.Parameters.Add(new NpgsqlParameter<string> { TypedValue = change.UserId });
            counts.Parameters.Add(new NpgsqlParameter<long> { TypedValue = change.Placed });
            counts.Parameters.Add(new NpgsqlParameter<long> { TypedValue = change.Cancelled });
            counts.Parameters.Add(new NpgsqlParameter<long> { TypedValue = change.Rejected });
            await counts.ExecuteNonQueryAsync(cancellationToken);
        }

        if (change.Spend is not { } spend)
        {
            return;
        }

        await using var amount = new NpgsqlCommand("""
            INSERT INTO user_order_spend AS s (user_id, currency_code, amount_minor) VALUES ($1, $2, $3)
            ON CONFLICT (user_id, currency_code) DO UPDATE SET amount_minor = s.amount_minor + excluded.amount_minor;
            """, connection, transaction);
        amount.Parameters.Add(new NpgsqlParameter<string> { TypedValue = change.UserId });
        amount.Parameters.Add(new NpgsqlParameter<string> { TypedValue = spend.CurrencyCode });
        amount.Parameters.Add(new NpgsqlParameter<long> { TypedValue = spend.AmountMinor });
        await amount.ExecuteNonQueryAsync(cancellationToken);
    }
}
