using Google.Protobuf;
using Mesh.Orders.Domain;
using Mesh.Orders.Feeds;
using Mesh.Orders.V1;
using Mesh.Storage.Postgres;
using Npgsql;
using static Mesh.Orders.Storage.PostgresCommands;

namespace Mesh.Orders.Storage;

/// <summary>
/// <see cref="IOrderRepository"/> on PostgreSQL, shared by every replica, in READ COMMITTED
/// transactions. Each decision is made by a statement that waits for the competing writer:
/// the request_id claim by <c>ON CONFLICT</c> on the unique request_id, state moves by
/// <c>UPDATE … WHERE state = $from</c> (re-checked on the row a concurrent writer committed),
/// the first pricing under <c>FOR UPDATE</c>. The event is appended with the commit
/// (<see cref="PostgresEventLog.AppendAtCommit"/>), so the log's append lock is held for no round trip.
/// </summary>
public sealed class PostgresOrderRepository(PostgresDatabase database, PostgresEventLog log) : IOrderRepository
{
    // A unique violation means a competing claim committed in between; the next attempt sees it.
    private const int ClaimAttempts = 3;

    /// <inheritdoc />
    public async Task<OrderClaim> ClaimAsync(NewOrder order, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(order);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var claim = await database.WriteAsync((connection, transaction) => ClaimOnceAsync(connection, transaction, order), cancellationToken);
                if (claim is not null)
                {
                    return claim;
                }
            }
            catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.UniqueViolation && attempt < ClaimAttempts)
            {
                // Re-decide: the competing claim has committed, so the next attempt finds its holder.
            }

            if (attempt >= ClaimAttempts)
            {
                throw new InvalidOperationException($"request_id {order.RequestId} could not be claimed, nor its holder found, in {ClaimAttempts} attempts");
            }
        }
    }

    /// <inheritdoc />
    public Task SavePricingAsync(string orderId, PricedOrder priced, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(priced);

        return database.WriteAsync(async (connection, transaction) =>
        {
            // One round trip for the check and every update. FOR UPDATE: of two pricings racing,
            // the second waits and then sees it is not the first. If the order is no longer
            // pending the updates match nothing and the throw below rolls the batch back.
            await using var batch = new NpgsqlBatch(connection, transaction);
            batch.BatchCommands.Add(BatchCommand(
                "SELECT total_minor IS NULL FROM orders WHERE order_id = $1 AND state = 'pending' FOR UPDATE;", Text(orderId)));
            batch.BatchCommands.Add(BatchCommand("""
                UPDATE orders SET currency_code = $1, total_minor = $2, update_time_ms = $3
                WHERE order_id = $4 AND state = 'pending';
                """, Text(priced.CurrencyCode), Int64(priced.TotalMinor), Int64(now.ToUnixTimeMilliseconds()), Text(orderId)));
            for (var i = 0; i < priced.Lines.Count; i++)
            {
                var line = priced.Lines[i];
                batch.BatchCommands.Add(BatchCommand("""
                    UPDATE order_lines SET name = $1, unit_price_minor = $2, line_total_minor = $3
                    WHERE order_id = $4 AND line_no = $5 AND sku = $6 AND quantity = $7;
                    """,
                    Text(line.Name), Int64(line.UnitPriceMinor), Int64(line.LineTotalMinor),
                    Text(orderId), Int64(i), Text(line.Sku), Int64(line.Quantity)));
            }

            bool firstPricing;
            await using (var reader = await batch.ExecuteReaderAsync())
            {
                firstPricing = await reader.ReadAsync()
                    ? reader.GetBoolean(0)
                    : throw new InvalidOperationException($"order {orderId} is no longer pending; it cannot be priced");
            }

            for (var i = 0; i < priced.Lines.Count; i++)
            {
                if (batch.BatchCommands[2 + i].RecordsAffected != 1)
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
        database.ReadAsync(connection => FindOneAsync(connection, null, "order_id", orderId), cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<OrderRecord>> ListByUserAsync(string userId, long? beforeSequence, int limit, CancellationToken cancellationToken) =>
        database.ReadAsync(async connection =>
        {
            await using var command = Create(connection, null, $"""
                SELECT {OrderRows.Columns} FROM orders
                WHERE user_id = $1 AND sequence < $2
                ORDER BY sequence DESC LIMIT $3;
                """, Text(userId), Int64(beforeSequence ?? long.MaxValue), Int32(limit));
            return await ReadOrdersAsync(connection, null, command);
        }, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<OrderRecord>> ListPendingCreatedBeforeAsync(DateTimeOffset cutoff, int limit, CancellationToken cancellationToken) =>
        database.ReadAsync(async connection =>
        {
            await using var command = Create(connection, null, $"""
                SELECT {OrderRows.Columns} FROM orders
                WHERE state = 'pending' AND create_time_ms < $1
                ORDER BY create_time_ms LIMIT $2;
                """, Int64(cutoff.ToUnixTimeMilliseconds()), Int32(limit));
            return await ReadOrdersAsync(connection, null, command);
        }, cancellationToken);

    /// <summary>
    /// One claim attempt, in one round trip; null if neither a new order nor a holder turned up
    /// (never expected). The batch's statements run one after the other, each with its own
    /// snapshot, exactly as separate commands would.
    /// </summary>
    private static async Task<OrderClaim?> ClaimOnceAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, NewOrder order)
    {
        await using var batch = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands =
            {
                // A competing claim not yet committed makes ON CONFLICT wait for it, then do nothing.
                BatchCommand("""
                    INSERT INTO orders (order_id, request_id, request_hash, user_id, state, reason, create_time_ms, update_time_ms)
                    VALUES ($1, $2, $3, $4, 'pending', '', $5, $5)
                    ON CONFLICT (request_id) DO NOTHING;
                    """,
                    Text(order.OrderId), Text(order.RequestId), Text(order.RequestHash), Text(order.UserId), Int64(order.Now.ToUnixTimeMilliseconds())),
                // The order id is new, so the row exists only if the insert above created it.
                BatchCommand("""
                    INSERT INTO order_lines (order_id, line_no, sku, quantity)
                    SELECT $1, line.line_no, line.sku, line.quantity
                    FROM unnest($2::bigint[], $3::text[], $4::bigint[]) AS line (line_no, sku, quantity)
                    WHERE EXISTS (SELECT 1 FROM orders WHERE order_id = $1);
                    """,
                    Text(order.OrderId),
                    new NpgsqlParameter<long[]> { TypedValue = [.. Enumerable.Range(0, order.Lines.Count).Select(i => (long)i)] },
                    Texts(order.Lines.Select(line => line.Sku)),
                    new NpgsqlParameter<long[]> { TypedValue = [.. order.Lines.Select(line => line.Quantity)] }),
            },
        };
        await batch.ExecuteNonQueryAsync();
        var created = batch.BatchCommands[0].RecordsAffected == 1;

        // A new statement, a new snapshot: it sees the competing claim ON CONFLICT waited for.
        var holder = await FindOneAsync(connection, transaction, "request_id", order.RequestId);
        return holder is null ? null : new OrderClaim(holder, created);
    }

    private Task<OrderRecord> MoveAsync(
        string orderId, OrderStatus from, OrderStatus to, string reason, Google.Rpc.Status? rejection, DateTimeOffset now) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            // A concurrent mover holds the row until it commits; then the WHERE is re-checked
            // on the row it left, so of two racing moves only one matches.
            await using (var update = Create(connection, transaction, """
                UPDATE orders SET state = $1, reason = $2, rejection_status = $3, update_time_ms = $4
                WHERE order_id = $5 AND state = $6;
                """,
                Text(OrderRows.StateText(to)), Text(reason), Bytes(rejection?.ToByteArray()), Int64(now.ToUnixTimeMilliseconds()),
                Text(orderId), Text(OrderRows.StateText(from))))
            {
                if (await update.ExecuteNonQueryAsync() == 1)
                {
                    return await AnnounceAsync(connection, transaction, OrderEvents.TypeOf(to), orderId, now);
                }
            }

            // Not moved means someone else already moved it (and announced it); the caller gets the order as it is.
            return await FindOneAsync(connection, transaction, "order_id", orderId)
                ?? throw new InvalidOperationException($"order {orderId} does not exist");
        });

    /// <summary>Appends (at commit) the event announcing the change just made to the order; returns the order as announced.</summary>
    private async Task<OrderRecord> AnnounceAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, OrderEventType type, string orderId, DateTimeOffset now)
    {
        var order = await FindOneAsync(connection, transaction, "order_id", orderId)
            ?? throw new InvalidOperationException($"order {orderId} does not exist");
        _ = log.AppendAtCommit(transaction, order.UserId, OrderEvents.Announce(type, order, now), now);
        return order;
    }

    /// <summary>
    /// One order and its lines in ONE round trip (a batch of two statements): it runs up to three
    /// times per PlaceOrder, inside transactions that hold the order's row lock, and on a busy
    /// machine every round trip also waits for this process's next turn.
    /// </summary>
    /// <param name="keyColumn">order_id or request_id: a unique column, from this class only.</param>
    private static async Task<OrderRecord?> FindOneAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string keyColumn, string key)
    {
        await using var batch = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands =
            {
                BatchCommand($"SELECT {OrderRows.Columns} FROM orders WHERE {keyColumn} = $1;", Text(key)),
                BatchCommand($"""
                    SELECT {OrderRows.LineColumns} FROM order_lines
                    WHERE order_id IN (SELECT order_id FROM orders WHERE {keyColumn} = $1) ORDER BY order_id, line_no;
                    """, Text(key)),
            },
        };
        await using var reader = await batch.ExecuteReaderAsync();
        var rows = new List<OrderRecord>();
        while (await reader.ReadAsync())
        {
            rows.Add(OrderRows.ReadOrder(reader));
        }

        await reader.NextResultAsync();
        var lines = await OrderRows.ReadLinesAsync(reader);
        return rows.Count == 0 ? null : OrderRows.WithLines(rows, lines)[0];
    }

    /// <summary>Reads the order rows <paramref name="command"/> selects, then all their lines in one query.</summary>
    private static async Task<IReadOnlyList<OrderRecord>> ReadOrdersAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, NpgsqlCommand command)
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

        await using var lines = Create(connection, transaction, $"""
            SELECT {OrderRows.LineColumns} FROM order_lines
            WHERE order_id = ANY($1) ORDER BY order_id, line_no;
            """, Texts(rows.Select(row => row.OrderId)));
        await using var lineReader = await lines.ExecuteReaderAsync();
        return OrderRows.WithLines(rows, await OrderRows.ReadLinesAsync(lineReader));
    }
}
