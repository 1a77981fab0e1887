using Dapper;
using Google.Protobuf;
using Mesh.Orders.Domain;
using Mesh.Orders.Feeds;
using Mesh.Orders.V1;
using Mesh.Storage;

namespace Mesh.Orders.Storage;

/// <summary>
/// Every read and write of the orders tables, on either provider. Each write decides and applies
/// its change in one transaction, by a statement that waits for a competing writer (any replica):
/// the request_id claim by <c>ON CONFLICT</c> on the unique request_id, state moves by
/// <c>UPDATE … WHERE state = @from</c> (re-checked on the row a concurrent mover committed), the
/// first pricing under <see cref="SqlDialect.ForUpdate"/>. A change that really happened appends
/// its <see cref="OrderEvent"/> in the same transaction (sent with the COMMIT on PostgreSQL); a
/// write that changes nothing announces nothing.
/// </summary>
/// <remarks>
/// PlaceOrder's writes (the claim, priced or not, the pricing, the confirmation) are hand-tuned on
/// purpose: each sends all its statements as one multi-statement command (one round trip before
/// the COMMIT), because they run inside
/// transactions holding the order's row lock, and on a busy machine every round trip also waits
/// for this process's next turn. Plain SQL and Dapper, the same on both providers.
/// </remarks>
public sealed class OrderStore(StoreDatabase database, IEventLog log)
{
    private const string Columns = """
        sequence, order_id, request_id, request_hash, user_id, state, currency_code, total_minor,
        reason, rejection_status, create_time_ms, update_time_ms
        """;

    private const string LineColumns = "order_id, sku, quantity, name, unit_price_minor, line_total_minor";

    // One order and its lines by a unique key, as the last two statements of a command: the lines
    // of an order the first statement sees committed with it, so the second sees them too.
    private const string SelectOrderByOrderId = $"""
        SELECT {Columns} FROM orders WHERE order_id = @orderId;
        SELECT {LineColumns} FROM order_lines
        WHERE order_id IN (SELECT order_id FROM orders WHERE order_id = @orderId) ORDER BY line_no;
        """;

    /// <summary>
    /// Inserts <paramref name="order"/> as PENDING unless its request_id is taken; either way
    /// returns the order holding the request_id. Its order id is new, so the holder is this
    /// order exactly when this call created it. A priced new order is stored with its prices and
    /// announced (ORDER_PLACED) in the same transaction, as <see cref="SavePricingAsync"/> would;
    /// the prices of an order that lost the claim are dropped.
    /// </summary>
    public Task<OrderClaim> ClaimAsync(NewOrder order, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(order);
        var parameters = new DynamicParameters(new
        {
            orderId = order.OrderId,
            requestId = order.RequestId,
            requestHash = order.RequestHash,
            userId = order.UserId,
            now = order.Now.ToUnixTimeMilliseconds(),
        });
        var priced = order.Priced;
        if (priced is not null)
        {
            parameters.Add("currency", priced.CurrencyCode);
            parameters.Add("total", priced.TotalMinor);
            if (priced.Lines.Count != order.Lines.Count
                || priced.Lines.Where((line, i) => line.Sku != order.Lines[i].Sku || line.Quantity != order.Lines[i].Quantity).Any())
            {
                throw new ArgumentException($"order {order.OrderId} is priced for other lines than it has", nameof(order));
            }
        }

        var lines = string.Join(", ", order.Lines.Select((line, i) =>
        {
            parameters.Add($"l{i}", (long)i);
            parameters.Add($"s{i}", line.Sku);
            parameters.Add($"q{i}", line.Quantity);
            if (priced is null)
            {
                return $"(@l{i}, @s{i}, @q{i})";
            }

            parameters.Add($"n{i}", priced.Lines[i].Name);
            parameters.Add($"u{i}", priced.Lines[i].UnitPriceMinor);
            parameters.Add($"t{i}", priced.Lines[i].LineTotalMinor);
            return $"(@l{i}, @s{i}, @q{i}, @n{i}, @u{i}, @t{i})";
        }));

        // A competing claim not yet committed makes ON CONFLICT wait for it, then do nothing; the
        // lines go in only if the order did (its order id is new). Each later statement takes a
        // new snapshot in READ COMMITTED, so the SELECT sees the claim ON CONFLICT waited for.
        // A unique violation all the same is a lost race: WriteAsync decides again.
        // Unpriced, the price columns stay NULL: no untyped NULL parameters in VALUES, which
        // PostgreSQL would take for text.
        var sql = $"""
            INSERT INTO orders (order_id, request_id, request_hash, user_id, state, reason, create_time_ms, update_time_ms{(priced is null ? "" : ", currency_code, total_minor")})
            VALUES (@orderId, @requestId, @requestHash, @userId, 'pending', '', @now, @now{(priced is null ? "" : ", @currency, @total")})
            ON CONFLICT (request_id) DO NOTHING;
            {(order.Lines.Count == 0 ? string.Empty : $"""
                INSERT INTO order_lines (order_id, line_no, sku, quantity{(priced is null ? "" : ", name, unit_price_minor, line_total_minor")})
                SELECT @orderId, line.column1, line.column2, line.column3{(priced is null ? "" : ", line.column4, line.column5, line.column6")} FROM (VALUES {lines}) AS line
                WHERE EXISTS (SELECT 1 FROM orders WHERE order_id = @orderId);
                """)}
            SELECT {Columns} FROM orders WHERE request_id = @requestId;
            SELECT {LineColumns} FROM order_lines
            WHERE order_id IN (SELECT order_id FROM orders WHERE request_id = @requestId) ORDER BY line_no;
            """;
        return database.WriteAsync(async session =>
        {
            await using var results = await MultipleAsync(session, sql, parameters);
            var holder = await ReadOrderAsync(results)
                ?? throw new InvalidOperationException($"request_id {order.RequestId} has no order after its claim");
            var created = string.Equals(holder.OrderId, order.OrderId, StringComparison.Ordinal);
            if (created && priced is not null)
            {
                await AnnounceAsync(session, OrderEventType.OrderPlaced, holder, order.Now);
            }

            return new OrderClaim(holder, created);
        }, cancellationToken);
    }

    /// <summary>
    /// Stores names, prices and total on a PENDING order's lines (again, on a resumed saga).
    /// The first pricing announces ORDER_PLACED: the order is priced and its stock about to be sold.
    /// </summary>
    public Task SavePricingAsync(string orderId, PricedOrder priced, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(priced);
        var parameters = new DynamicParameters(new
        {
            orderId,
            currency = priced.CurrencyCode,
            total = priced.TotalMinor,
            now = now.ToUnixTimeMilliseconds(),
        });
        var lineUpdates = string.Concat(priced.Lines.Select((line, i) =>
        {
            parameters.Add($"n{i}", line.Name);
            parameters.Add($"u{i}", line.UnitPriceMinor);
            parameters.Add($"t{i}", line.LineTotalMinor);
            parameters.Add($"l{i}", (long)i);
            parameters.Add($"s{i}", line.Sku);
            parameters.Add($"q{i}", line.Quantity);
            return $"""
                UPDATE order_lines SET name = @n{i}, unit_price_minor = @u{i}, line_total_minor = @t{i}
                WHERE order_id = @orderId AND line_no = @l{i} AND sku = @s{i} AND quantity = @q{i} RETURNING line_no;

                """;
        }));

        return database.WriteAsync(async session =>
        {
            // FOR UPDATE: of two pricings racing, the second waits and then sees it is not the
            // first. If the order is no longer pending the throw below rolls everything back.
            var sql = $"""
                SELECT total_minor FROM orders WHERE order_id = @orderId AND state = 'pending' {session.Dialect.ForUpdate};
                UPDATE orders SET currency_code = @currency, total_minor = @total, update_time_ms = @now
                WHERE order_id = @orderId AND state = 'pending';
                {lineUpdates}{SelectOrderByOrderId}
                """;
            await using var results = await MultipleAsync(session, sql, parameters);
            var pending = await results.ReadSingleOrDefaultAsync<PendingRow>()
                ?? throw new InvalidOperationException($"order {orderId} is no longer pending; it cannot be priced");
            for (var i = 0; i < priced.Lines.Count; i++)
            {
                if (!(await results.ReadAsync<long>()).Any())
                {
                    throw new InvalidOperationException($"order {orderId} line {i} does not match the priced line");
                }
            }

            var order = await ReadOrderAsync(results) ?? throw new InvalidOperationException($"order {orderId} does not exist");
            // A resumed saga prices again; only the first pricing is news.
            if (pending.TotalMinor is null)
            {
                await AnnounceAsync(session, OrderEventType.OrderPlaced, order, now);
            }

            return true;
        }, CancellationToken.None);
    }

    /// <summary>PENDING → CONFIRMED. Returns the order as it is afterwards.</summary>
    public Task<OrderRecord> ConfirmAsync(string orderId, DateTimeOffset now) =>
        MoveAsync(orderId, OrderStatus.Pending, OrderStatus.Confirmed, string.Empty, rejection: null, now);

    /// <summary>PENDING → REJECTED with the error a retry will get. Returns the order as it is afterwards.</summary>
    public Task<OrderRecord> RejectAsync(string orderId, string reason, Google.Rpc.Status rejection, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(rejection);
        return MoveAsync(orderId, OrderStatus.Pending, OrderStatus.Rejected, reason, rejection, now);
    }

    /// <summary>CONFIRMED → CANCELLED. Returns the order as it is afterwards.</summary>
    public Task<OrderRecord> CancelAsync(string orderId, string reason, DateTimeOffset now) =>
        MoveAsync(orderId, OrderStatus.Confirmed, OrderStatus.Cancelled, reason, rejection: null, now);

    public Task<OrderRecord?> FindAsync(string orderId, CancellationToken cancellationToken) =>
        database.ReadAsync(async session =>
        {
            await using var results = await MultipleAsync(session, SelectOrderByOrderId, new { orderId });
            return await ReadOrderAsync(results);
        }, cancellationToken);

    /// <summary>Up to <paramref name="limit"/> of the user's orders, newest first, before <paramref name="beforeSequence"/>.</summary>
    public Task<IReadOnlyList<OrderRecord>> ListByUserAsync(string userId, long? beforeSequence, int limit, CancellationToken cancellationToken) =>
        database.ReadAsync(async session => await WithLinesAsync(session, await session.QueryAsync<OrderRow>($"""
            SELECT {Columns} FROM orders
            WHERE user_id = @userId AND sequence < @before
            ORDER BY sequence DESC LIMIT @limit;
            """, new { userId, before = beforeSequence ?? long.MaxValue, limit })), cancellationToken);

    /// <summary>Up to <paramref name="limit"/> PENDING orders created before <paramref name="cutoff"/>, oldest first.</summary>
    public Task<IReadOnlyList<OrderRecord>> ListPendingCreatedBeforeAsync(DateTimeOffset cutoff, int limit, CancellationToken cancellationToken) =>
        database.ReadAsync(async session => await WithLinesAsync(session, await session.QueryAsync<OrderRow>($"""
            SELECT {Columns} FROM orders
            WHERE state = 'pending' AND create_time_ms < @cutoff
            ORDER BY create_time_ms LIMIT @limit;
            """, new { cutoff = cutoff.ToUnixTimeMilliseconds(), limit })), cancellationToken);

    private Task<OrderRecord> MoveAsync(
        string orderId, OrderStatus from, OrderStatus to, string reason, Google.Rpc.Status? rejection, DateTimeOffset now) =>
        database.WriteAsync(async session =>
        {
            // A concurrent mover holds the row until it commits; then the WHERE is re-checked on
            // the row it left, so of two racing moves only one matches. The SELECTs after it take
            // a new snapshot and see the order as it is now, either way.
            await using var results = await MultipleAsync(session, $"""
                UPDATE orders SET state = @to, reason = @reason, rejection_status = @rejection, update_time_ms = @now
                WHERE order_id = @orderId AND state = @from RETURNING sequence;
                {SelectOrderByOrderId}
                """, new
            {
                to = StateText(to),
                reason,
                rejection = rejection?.ToByteArray(),
                now = now.ToUnixTimeMilliseconds(),
                orderId,
                from = StateText(from),
            });
            var moved = (await results.ReadAsync<long>()).Any();
            var order = await ReadOrderAsync(results) ?? throw new InvalidOperationException($"order {orderId} does not exist");
            // Not moved means someone else already moved it (and announced it); the caller gets the order as it is.
            if (moved)
            {
                await AnnounceAsync(session, OrderEvents.TypeOf(to), order, now);
            }

            return order;
        }, CancellationToken.None);

    /// <summary>Appends the event announcing the change just made to <paramref name="order"/>, in the write's transaction.</summary>
    private Task AnnounceAsync(StoreSession session, OrderEventType type, OrderRecord order, DateTimeOffset now) =>
        session.AppendAsync(log, order.UserId, OrderEvents.Announce(type, order, now), now);

    /// <summary>Runs a command of several statements in one round trip; its results are read in order.</summary>
    private static Task<SqlMapper.GridReader> MultipleAsync(StoreSession session, string sql, object parameters) =>
        session.Connection.QueryMultipleAsync(new CommandDefinition(sql, parameters, session.Transaction, cancellationToken: session.CancellationToken));

    /// <summary>Reads the order and lines results of <see cref="SelectOrderByOrderId"/> (or the like); null without an order row.</summary>
    private static async Task<OrderRecord?> ReadOrderAsync(SqlMapper.GridReader results)
    {
        var row = await results.ReadSingleOrDefaultAsync<OrderRow>();
        var lines = await results.ReadAsync<LineRow>();
        return row?.ToRecord(lines);
    }

    /// <summary>All the lines of <paramref name="rows"/> in one query, then the records.</summary>
    private static async Task<IReadOnlyList<OrderRecord>> WithLinesAsync(StoreSession session, IEnumerable<OrderRow> rows)
    {
        var orders = rows.ToList();
        if (orders.Count == 0)
        {
            return [];
        }

        var orderIds = orders.Select(order => order.OrderId).ToArray();
        var lines = (await session.QueryAsync<LineRow>($"""
            SELECT {LineColumns} FROM order_lines WHERE {session.Dialect.InList("order_id", "orderIds")} ORDER BY order_id, line_no;
            """, new { orderIds })).ToLookup(line => line.OrderId, StringComparer.Ordinal);
        return orders.Select(order => order.ToRecord(lines[order.OrderId])).ToList();
    }

    private static string StateText(OrderStatus status) => status switch
    {
        OrderStatus.Pending => "pending",
        OrderStatus.Confirmed => "confirmed",
        OrderStatus.Cancelled => "cancelled",
        OrderStatus.Rejected => "rejected",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "unknown order status"),
    };

    private static OrderStatus ParseState(string state) => state switch
    {
        "pending" => OrderStatus.Pending,
        "confirmed" => OrderStatus.Confirmed,
        "cancelled" => OrderStatus.Cancelled,
        "rejected" => OrderStatus.Rejected,
        _ => throw new InvalidOperationException($"unknown order state '{state}' in the database"),
    };

    private sealed class OrderRow
    {
        public long Sequence { get; set; }

        public string OrderId { get; set; } = "";

        public string RequestId { get; set; } = "";

        public string RequestHash { get; set; } = "";

        public string UserId { get; set; } = "";

        public string State { get; set; } = "";

        public string? CurrencyCode { get; set; }

        public long? TotalMinor { get; set; }

        public string Reason { get; set; } = "";

        public byte[]? RejectionStatus { get; set; }

        public long CreateTimeMs { get; set; }

        public long UpdateTimeMs { get; set; }

        public OrderRecord ToRecord(IEnumerable<LineRow> lines) =>
            new(
                Sequence,
                OrderId,
                RequestId,
                RequestHash,
                UserId,
                ParseState(State),
                [.. lines.Select(line => new OrderLineRecord(line.Sku, line.Quantity, line.Name, line.UnitPriceMinor, line.LineTotalMinor))],
                CurrencyCode,
                TotalMinor,
                Reason,
                RejectionStatus is null ? null : Google.Rpc.Status.Parser.ParseFrom(RejectionStatus),
                DateTimeOffset.FromUnixTimeMilliseconds(CreateTimeMs),
                DateTimeOffset.FromUnixTimeMilliseconds(UpdateTimeMs));
    }

    private sealed class LineRow
    {
        public string OrderId { get; set; } = "";

        public string Sku { get; set; } = "";

        public long Quantity { get; set; }

        public string? Name { get; set; }

        public long? UnitPriceMinor { get; set; }

        public long? LineTotalMinor { get; set; }
    }

    private sealed class PendingRow
    {
        public long? TotalMinor { get; set; }
    }
}
