using System.Globalization;
using Google.Protobuf;
using Mesh.Orders.Domain;
using Mesh.Orders.Feeds;
using Mesh.Orders.V1;
using Mesh.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Mesh.Orders.Storage;

/// <summary>
/// <see cref="IOrderRepository"/> on SQLite, for one process: each write runs in one IMMEDIATE
/// transaction, so writers are serialised and a request_id claim or a state move decides on
/// the latest committed state.
/// </summary>
public sealed class SqliteOrderRepository(SqliteDatabase database, SqliteEventLog log) : IOrderRepository
{
    /// <inheritdoc />
    public Task<OrderClaim> ClaimAsync(NewOrder order, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(order);

        return database.WriteAsync(async (connection, transaction) =>
        {
            await using var insert = Command(connection, transaction, """
                INSERT INTO orders (order_id, request_id, request_hash, user_id, state, reason, create_time_ms, update_time_ms)
                VALUES ($order_id, $request_id, $request_hash, $user_id, 'pending', '', $now, $now)
                ON CONFLICT (request_id) DO NOTHING;
                """);
            insert.Parameters.AddWithValue("$order_id", order.OrderId);
            insert.Parameters.AddWithValue("$request_id", order.RequestId);
            insert.Parameters.AddWithValue("$request_hash", order.RequestHash);
            insert.Parameters.AddWithValue("$user_id", order.UserId);
            insert.Parameters.AddWithValue("$now", order.Now.ToUnixTimeMilliseconds());
            var created = await insert.ExecuteNonQueryAsync() == 1;

            if (created)
            {
                for (var i = 0; i < order.Lines.Count; i++)
                {
                    await using var line = Command(connection, transaction, """
                        INSERT INTO order_lines (order_id, line_no, sku, quantity) VALUES ($order_id, $line_no, $sku, $quantity);
                        """);
                    line.Parameters.AddWithValue("$order_id", order.OrderId);
                    line.Parameters.AddWithValue("$line_no", i);
                    line.Parameters.AddWithValue("$sku", order.Lines[i].Sku);
                    line.Parameters.AddWithValue("$quantity", order.Lines[i].Quantity);
                    await line.ExecuteNonQueryAsync();
                }
            }

            var holder = await FindOneAsync(connection, transaction, "request_id = $key", order.RequestId)
                ?? throw new InvalidOperationException($"request_id {order.RequestId} has no order after its claim");
            return new OrderClaim(holder, created);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task SavePricingAsync(string orderId, PricedOrder priced, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(priced);

        return database.WriteAsync(async (connection, transaction) =>
        {
            // A resumed saga prices again; only the first pricing is news.
            await using var check = Command(connection, transaction, "SELECT total_minor IS NULL FROM orders WHERE order_id = $order_id;");
            check.Parameters.AddWithValue("$order_id", orderId);
            var firstPricing = Convert.ToInt64(await check.ExecuteScalarAsync(), CultureInfo.InvariantCulture) == 1;

            await using var order = Command(connection, transaction, """
                UPDATE orders SET currency_code = $currency, total_minor = $total, update_time_ms = $now
                WHERE order_id = $order_id AND state = 'pending';
                """);
            order.Parameters.AddWithValue("$currency", priced.CurrencyCode);
            order.Parameters.AddWithValue("$total", priced.TotalMinor);
            order.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
            order.Parameters.AddWithValue("$order_id", orderId);
            if (await order.ExecuteNonQueryAsync() != 1)
            {
                throw new InvalidOperationException($"order {orderId} is no longer pending; it cannot be priced");
            }

            for (var i = 0; i < priced.Lines.Count; i++)
            {
                var line = priced.Lines[i];
                await using var update = Command(connection, transaction, """
                    UPDATE order_lines SET name = $name, unit_price_minor = $unit, line_total_minor = $line_total
                    WHERE order_id = $order_id AND line_no = $line_no AND sku = $sku AND quantity = $quantity;
                    """);
                update.Parameters.AddWithValue("$name", line.Name);
                update.Parameters.AddWithValue("$unit", line.UnitPriceMinor);
                update.Parameters.AddWithValue("$line_total", line.LineTotalMinor);
                update.Parameters.AddWithValue("$order_id", orderId);
                update.Parameters.AddWithValue("$line_no", i);
                update.Parameters.AddWithValue("$sku", line.Sku);
                update.Parameters.AddWithValue("$quantity", line.Quantity);
                if (await update.ExecuteNonQueryAsync() != 1)
                {
                    throw new InvalidOperationException($"order {orderId} line {i} does not match the priced line");
                }
            }

            if (firstPricing)
            {
                await AnnounceAsync(connection, transaction, OrderEventType.OrderPlaced, orderId, now);
            }

            return true;
        });
    }

    /// <inheritdoc />
    public Task<OrderRecord> ConfirmAsync(string orderId, DateTimeOffset now) =>
        MoveAsync(orderId, OrderStatus.Pending, OrderStatus.Confirmed, string.Empty, rejection: null, now);

    /// <inheritdoc />
    public Task<OrderRecord> RejectAsync(string orderId, string reason, Google.Rpc.Status rejection, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(rejection);
        return MoveAsync(orderId, OrderStatus.Pending, OrderStatus.Rejected, reason, rejection, now);
    }

    /// <inheritdoc />
    public Task<OrderRecord> CancelAsync(string orderId, string reason, DateTimeOffset now) =>
        MoveAsync(orderId, OrderStatus.Confirmed, OrderStatus.Cancelled, reason, rejection: null, now);

    /// <inheritdoc />
    public Task<OrderRecord?> FindAsync(string orderId, CancellationToken cancellationToken) =>
        database.ReadAsync(connection => FindOneAsync(connection, null, "order_id = $key", orderId), cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<OrderRecord>> ListByUserAsync(string userId, long? beforeSequence, int limit, CancellationToken cancellationToken) =>
        database.ReadAsync(async connection =>
        {
            await using var command = Command(connection, null, $"""
                SELECT {OrderRows.Columns} FROM orders
                WHERE user_id = $user_id AND sequence < $before
                ORDER BY sequence DESC LIMIT $limit;
                """);
            command.Parameters.AddWithValue("$user_id", userId);
            command.Parameters.AddWithValue("$before", beforeSequence ?? long.MaxValue);
            command.Parameters.AddWithValue("$limit", limit);
            return await ReadOrdersAsync(connection, null, command);
        }, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<OrderRecord>> ListPendingCreatedBeforeAsync(DateTimeOffset cutoff, int limit, CancellationToken cancellationToken) =>
        database.ReadAsync(async connection =>
        {
            await using var command = Command(connection, null, $"""
                SELECT {OrderRows.Columns} FROM orders
                WHERE state = 'pending' AND create_time_ms < $cutoff
                ORDER BY create_time_ms LIMIT $limit;
                """);
            command.Parameters.AddWithValue("$cutoff", cutoff.ToUnixTimeMilliseconds());
            command.Parameters.AddWithValue("$limit", limit);
            return await ReadOrdersAsync(connection, null, command);
        }, cancellationToken);

    private Task<OrderRecord> MoveAsync(
        string orderId, OrderStatus from, OrderStatus to, string reason, Google.Rpc.Status? rejection, DateTimeOffset now) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            await using var update = Command(connection, transaction, """
                UPDATE orders SET state = $to, reason = $reason, rejection_status = $rejection, update_time_ms = $now
                WHERE order_id = $order_id AND state = $from;
                """);
            update.Parameters.AddWithValue("$to", OrderRows.StateText(to));
            update.Parameters.AddWithValue("$reason", reason);
            update.Parameters.AddWithValue("$rejection", rejection is null ? DBNull.Value : rejection.ToByteArray());
            update.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
            update.Parameters.AddWithValue("$order_id", orderId);
            update.Parameters.AddWithValue("$from", OrderRows.StateText(from));
            if (await update.ExecuteNonQueryAsync() == 1)
            {
                return await AnnounceAsync(connection, transaction, OrderEvents.TypeOf(to), orderId, now);
            }

            // Not moved means someone else already moved it (and announced it); the caller gets the order as it is.
            return await FindOneAsync(connection, transaction, "order_id = $key", orderId)
                ?? throw new InvalidOperationException($"order {orderId} does not exist");
        });

    /// <summary>Appends the event announcing the change just made to the order; returns the order as announced.</summary>
    private async Task<OrderRecord> AnnounceAsync(
        SqliteConnection connection, SqliteTransaction transaction, OrderEventType type, string orderId, DateTimeOffset now)
    {
        var order = await FindOneAsync(connection, transaction, "order_id = $key", orderId)
            ?? throw new InvalidOperationException($"order {orderId} does not exist");
        await log.AppendAsync(connection, transaction, order.UserId, OrderEvents.Announce(type, order, now), now);
        return order;
    }

    private static async Task<OrderRecord?> FindOneAsync(SqliteConnection connection, SqliteTransaction? transaction, string where, string key)
    {
        await using var command = Command(connection, transaction, $"SELECT {OrderRows.Columns} FROM orders WHERE {where};");
        command.Parameters.AddWithValue("$key", key);
        var orders = await ReadOrdersAsync(connection, transaction, command);
        return orders.Count == 0 ? null : orders[0];
    }

    /// <summary>Reads the order rows <paramref name="command"/> selects, then all their lines in one query.</summary>
    private static async Task<IReadOnlyList<OrderRecord>> ReadOrdersAsync(SqliteConnection connection, SqliteTransaction? transaction, SqliteCommand command)
    {
        var rows = new List<OrderRecord>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                rows.Add(OrderRows.ReadOrder(reader));
            }
        }

        if (rows.Count == 0)
        {
            return rows;
        }

        // The text depends only on how many orders, so the statement is prepared once per count.
        var names = Enumerable.Range(0, rows.Count).Select(i => "$o" + i.ToString(CultureInfo.InvariantCulture)).ToList();
        await using var lines = Command(connection, transaction, $"""
            SELECT {OrderRows.LineColumns} FROM order_lines
            WHERE order_id IN ({string.Join(", ", names)}) ORDER BY order_id, line_no;
            """);
        for (var i = 0; i < rows.Count; i++)
        {
            lines.Parameters.AddWithValue(names[i], rows[i].OrderId);
        }
        await using var lineReader = await lines.ExecuteReaderAsync();
        return OrderRows.WithLines(rows, await OrderRows.ReadLinesAsync(lineReader));
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql) =>
        connection.Prepared(sql, transaction);
}
