using System.Globalization;
using Mesh.Inventory.Domain;
using Mesh.Inventory.Feeds;
using Mesh.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Mesh.Inventory.Storage;

/// <summary>
/// The inventory tables in the service's SQLite file (one replica). Each write is one IMMEDIATE
/// transaction, and SQLite has one writer, so a check and its effect can never interleave with
/// another write. Each item change is appended to the event log right after it is made.
/// </summary>
public sealed class SqliteInventoryRepository(SqliteDatabase database, SqliteEventLog events, TimeProvider time) : IInventoryRepository
{
    public Task<ItemRecord?> GetItemAsync(string sku, CancellationToken cancellationToken) =>
        database.ReadAsync(connection => FindItemAsync(connection, null, sku, cancellationToken), cancellationToken);

    /// <summary>The items that exist among <paramref name="skus"/>, keyed by sku.</summary>
    public Task<IReadOnlyDictionary<string, ItemRecord>> GetItemsAsync(IReadOnlyCollection<string> skus, CancellationToken cancellationToken) =>
        database.ReadAsync(connection => FindItemsAsync(connection, null, skus, cancellationToken), cancellationToken);

    /// <summary>Up to <paramref name="limit"/> items with a sku ordinally after <paramref name="afterSku"/>, in sku order.</summary>
    public Task<IReadOnlyList<ItemRecord>> ListItemsAsync(string? afterSku, int limit, CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<ItemRecord>>(async connection =>
        {
            // Skus are non-empty ASCII and the column uses BINARY collation: "" sorts first and
            // ORDER BY is ordinal, walking the primary key index from the cursor.
            using var command = Command(connection, null, $"""
                SELECT {InventoryRows.ItemColumns} FROM items
                WHERE sku > $after
                ORDER BY sku
                LIMIT $limit
                """,
                ("$after", afterSku ?? string.Empty),
                ("$limit", limit));
            var items = new List<ItemRecord>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                items.Add(InventoryRows.ReadItem(reader));
            }

            return items;
        }, cancellationToken);

    public Task<CreateItemOutcome> CreateItemAsync(ItemDefinition definition, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return database.WriteAsync<CreateItemOutcome>(async (connection, transaction) =>
        {
            var now = InventoryRows.ToMs(Now());
            // ON CONFLICT DO NOTHING: the primary key decides who created the sku, even across processes.
            using var insert = Command(connection, transaction, """
                INSERT INTO items (sku, name, currency_code, unit_price_minor, initial_quantity, on_hand, reserved, create_time_ms, update_time_ms,
                                   created_name, created_currency_code, created_unit_price_minor)
                VALUES ($sku, $name, $currency, $price, $initial, $initial, 0, $now, $now, $name, $currency, $price)
                ON CONFLICT (sku) DO NOTHING
                """,
                ("$sku", definition.Sku),
                ("$name", definition.Name),
                ("$currency", definition.CurrencyCode),
                ("$price", definition.UnitPriceMinor),
                ("$initial", definition.InitialQuantity),
                ("$now", now));
            var inserted = await insert.ExecuteNonQueryAsync() == 1;
            var item = await RequireItemAsync(connection, transaction, definition.Sku);
            if (inserted)
            {
                await AppendAsync(connection, transaction, new ItemChange(ItemChangeKind.Created, item), InventoryRows.FromMs(now));
                return new CreateItemOutcome.Created(item);
            }

            var created = await CreatedDefinitionAsync(connection, transaction, definition.Sku);
            return definition == created ? new CreateItemOutcome.AlreadyCreated(item) : new CreateItemOutcome.Conflict(item);
        }, cancellationToken);
    }

    private static async Task<ItemDefinition> CreatedDefinitionAsync(SqliteConnection connection, SqliteTransaction transaction, string sku)
    {
        using var command = Command(connection, transaction, """
            SELECT created_name, created_currency_code, created_unit_price_minor, initial_quantity FROM items WHERE sku = $sku
            """,
            ("$sku", sku));
        using var reader = await command.ExecuteReaderAsync();
        if (!await reader.ReadAsync())
        {
            throw new InvalidOperationException($"Item {sku} vanished inside its own transaction.");
        }

        return new ItemDefinition(sku, reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetInt64(3));
    }

    /// <summary>Changes name and/or price; a call that would change nothing writes nothing.</summary>
    public Task<UpdateItemOutcome> UpdateItemAsync(ItemUpdate update, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(update);
        return database.WriteAsync<UpdateItemOutcome>(async (connection, transaction) =>
        {
            var now = Now();
            var item = await FindItemAsync(connection, transaction, update.Sku, CancellationToken.None);
            if (item is null)
            {
                return new UpdateItemOutcome.ItemNotFound();
            }

            if (!update.Changes(item))
            {
                return new UpdateItemOutcome.Unchanged(item);
            }

            var changed = update.ApplyTo(item);
            using (var command = Command(connection, transaction, """
                UPDATE items SET name = $name, currency_code = $currency, unit_price_minor = $price, update_time_ms = $now
                WHERE sku = $sku
                """,
                ("$name", changed.Name),
                ("$currency", changed.CurrencyCode),
                ("$price", changed.UnitPriceMinor),
                ("$now", InventoryRows.ToMs(now)),
                ("$sku", update.Sku)))
            {
                await command.ExecuteNonQueryAsync();
            }

            var updated = await RequireItemAsync(connection, transaction, update.Sku);
            await AppendAsync(connection, transaction, new ItemChange(ItemChangeKind.Updated, updated), now);
            return new UpdateItemOutcome.Updated(updated);
        }, cancellationToken);
    }

    public Task<AdjustStockOutcome> AdjustStockAsync(StockAdjustment adjustment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(adjustment);
        return database.WriteAsync<AdjustStockOutcome>(async (connection, transaction) =>
        {
            var now = Now();
            var previous = await FindAdjustmentAsync(connection, transaction, adjustment.RequestId);
            if (previous is not null)
            {
                return previous.SameRequestAs(adjustment)
                    ? new AdjustStockOutcome.AlreadyApplied(await RequireItemAsync(connection, transaction, adjustment.Sku))
                    : new AdjustStockOutcome.RequestIdReused();
            }

            // Holds past their TTL must not make a removal look short.
            await ExpireDueAsync(connection, transaction, now, [adjustment.Sku], int.MaxValue);
            var item = await FindItemAsync(connection, transaction, adjustment.Sku, CancellationToken.None);
            if (item is null)
            {
                return new AdjustStockOutcome.ItemNotFound();
            }

            if (StockRules.RemovalShortage(item, adjustment.Delta) is { } shortage)
            {
                return new AdjustStockOutcome.Insufficient(shortage);
            }

            if (StockRules.OnHandAfter(item.OnHand, adjustment.Delta) is not { } onHand)
            {
                return new AdjustStockOutcome.TooMuchStock(item);
            }

            var nowMs = InventoryRows.ToMs(now);
            // The primary key on request_id is the last line of defence against a second effect.
            using (var record = Command(connection, transaction, """
                INSERT INTO stock_adjustments (request_id, sku, delta, reason, create_time_ms)
                VALUES ($id, $sku, $delta, $reason, $now)
                """,
                ("$id", adjustment.RequestId),
                ("$sku", adjustment.Sku),
                ("$delta", adjustment.Delta),
                ("$reason", adjustment.Reason),
                ("$now", nowMs)))
            {
                await record.ExecuteNonQueryAsync();
            }

            using (var update = Command(connection, transaction,
                "UPDATE items SET on_hand = $on_hand, update_time_ms = $now WHERE sku = $sku",
                ("$on_hand", onHand),
                ("$now", nowMs),
                ("$sku", adjustment.Sku)))
            {
                await update.ExecuteNonQueryAsync();
            }

            var adjusted = await RequireItemAsync(connection, transaction, adjustment.Sku);
            await AppendAsync(connection, transaction, new ItemChange(ItemChangeKind.StockAdjusted, adjusted, Quantity: adjustment.Delta), now);
            return new AdjustStockOutcome.Applied(adjusted);
        }, cancellationToken);
    }

    /// <summary>Holds every line or none, in one transaction.</summary>
    public Task<ReserveStockOutcome> ReserveStockAsync(
        string reservationId,
        IReadOnlyList<ReservationLineRecord> lines,
        TimeSpan ttl,
        CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(reservationId);
        ArgumentNullException.ThrowIfNull(lines);
        return database.WriteAsync<ReserveStockOutcome>(async (connection, transaction) =>
        {
            var now = Now();
            var skus = lines.Select(line => line.Sku).ToList();
            // First, so an overdue retry is returned as EXPIRED and overdue holds never cause a shortage.
            await ExpireDueAsync(connection, transaction, now, skus, int.MaxValue);

            var existing = await FindReservationAsync(connection, transaction, reservationId);
            if (existing is not null)
            {
                return existing.HasSameLines(lines)
                    ? new ReserveStockOutcome.AlreadyReserved(existing)
                    : new ReserveStockOutcome.RequestIdReused();
            }

            var items = await FindItemsAsync(connection, transaction, skus, CancellationToken.None);
            for (var index = 0; index < lines.Count; index++)
            {
                if (!items.ContainsKey(lines[index].Sku))
                {
                    return new ReserveStockOutcome.UnknownSku(index, lines[index].Sku);
                }
            }

            var shortages = StockRules.Shortages(lines, items);
            if (shortages.Count > 0)
            {
                return new ReserveStockOutcome.Insufficient(shortages);
            }

            var nowMs = InventoryRows.ToMs(now);
            var expireMs = checked(nowMs + (ttl.Ticks / TimeSpan.TicksPerMillisecond));
            using (var insert = Command(connection, transaction, """
                INSERT INTO reservations (reservation_id, state, expire_time_ms, create_time_ms, update_time_ms)
                VALUES ($id, $state, $expire, $now, $now)
                """,
                ("$id", reservationId),
                ("$state", InventoryRows.ToColumn(ReservationStatus.Held)),
                ("$expire", expireMs),
                ("$now", nowMs)))
            {
                await insert.ExecuteNonQueryAsync();
            }

            for (var index = 0; index < lines.Count; index++)
            {
                await HoldLineAsync(connection, transaction, reservationId, index, lines[index], nowMs);
            }

            return new ReserveStockOutcome.Held(await RequireReservationAsync(connection, transaction, reservationId));
        }, cancellationToken);
    }

    /// <summary>Commits a held reservation (or expires it when overdue); null when it does not exist.</summary>
    public Task<ReservationChange?> CommitReservationAsync(string reservationId, CancellationToken cancellationToken) =>
        ChangeReservationAsync(reservationId, ReservationLifecycle.AfterCommit, cancellationToken);

    /// <summary>Releases a held reservation (or expires it when overdue); null when it does not exist.</summary>
    public Task<ReservationChange?> ReleaseReservationAsync(string reservationId, CancellationToken cancellationToken) =>
        ChangeReservationAsync(reservationId, ReservationLifecycle.AfterRelease, cancellationToken);

    /// <summary>Expires up to <paramref name="limit"/> overdue holds, oldest deadline first; returns their ids.</summary>
    public Task<IReadOnlyList<string>> ExpireDueReservationsAsync(int limit, CancellationToken cancellationToken) =>
        database.WriteAsync((connection, transaction) => ExpireDueAsync(connection, transaction, Now(), null, limit), cancellationToken);

    private Task<ReservationChange?> ChangeReservationAsync(
        string reservationId,
        Func<ReservationRecord, DateTimeOffset, ReservationStatus> decide,
        CancellationToken cancellationToken) =>
        database.WriteAsync<ReservationChange?>(async (connection, transaction) =>
        {
            var now = Now();
            var reservation = await FindReservationAsync(connection, transaction, reservationId);
            if (reservation is null)
            {
                return null;
            }

            var next = decide(reservation, now);
            if (next != reservation.Status)
            {
                await LeaveHeldAsync(connection, transaction, reservationId, next, InventoryRows.ToMs(now));
            }

            return new ReservationChange(reservation with { Status = next }, reservation.Status);
        }, cancellationToken);

    private Task AppendAsync(SqliteConnection connection, SqliteTransaction transaction, ItemChange change, DateTimeOffset occurTime) =>
        events.AppendAsync(connection, transaction, InventoryEventLog.FilterKey(change), InventoryEventLog.Payload(change, occurTime), occurTime);

    // Time at the millisecond precision it is stored with, so in-memory and SQL comparisons agree.
    private DateTimeOffset Now() => InventoryRows.FromMs(InventoryRows.ToMs(time.GetUtcNow()));

    private async Task<IReadOnlyList<string>> ExpireDueAsync(
        SqliteConnection connection,
        SqliteTransaction transaction,
        DateTimeOffset now,
        IReadOnlyCollection<string>? skus,
        int limit)
    {
        var nowMs = InventoryRows.ToMs(now);
        var ids = new List<string>();
        // Driven by the partial index of held reservations, so old committed lines are never scanned.
        var skuFilter = skus is null
            ? string.Empty
            : $"AND EXISTS (SELECT 1 FROM reservation_lines AS l WHERE l.reservation_id = r.reservation_id AND l.sku IN {ListOf("$sku", skus.Count)})";
        using (var select = Command(connection, transaction, $"""
            SELECT r.reservation_id FROM reservations AS r
            WHERE r.state = 'HELD' AND r.expire_time_ms <= $now {skuFilter}
            ORDER BY r.expire_time_ms, r.reservation_id
            LIMIT $limit
            """,
            ("$now", nowMs),
            ("$limit", limit)))
        {
            if (skus is not null)
            {
                BindList(select, "$sku", skus);
            }

            await using var reader = await select.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                ids.Add(reader.GetString(0));
            }
        }

        foreach (var id in ids)
        {
            await LeaveHeldAsync(connection, transaction, id, ReservationStatus.Expired, nowMs);
        }

        return ids;
    }

    /// <summary>
    /// Moves a HELD reservation to <paramref name="next"/>, settles its stock accordingly and
    /// announces one change per item, in line order.
    /// </summary>
    private async Task LeaveHeldAsync(
        SqliteConnection connection,
        SqliteTransaction transaction,
        string reservationId,
        ReservationStatus next,
        long nowMs)
    {
        // Committed units leave the building (on hand drops); released or expired ones become available again.
        var settle = next == ReservationStatus.Committed
            ? "on_hand = items.on_hand - l.quantity, reserved = items.reserved - l.quantity"
            : "reserved = items.reserved - l.quantity";
        using (var stock = Command(connection, transaction, $"""
            UPDATE items SET {settle}, update_time_ms = $now
            FROM reservation_lines AS l
            WHERE l.reservation_id = $id AND l.sku = items.sku
            """,
            ("$id", reservationId),
            ("$now", nowMs)))
        {
            await stock.ExecuteNonQueryAsync();
        }

        using var state = Command(connection, transaction,
            "UPDATE reservations SET state = $state, update_time_ms = $now WHERE reservation_id = $id AND state = 'HELD'",
            ("$state", InventoryRows.ToColumn(next)),
            ("$now", nowMs),
            ("$id", reservationId));
        if (await state.ExecuteNonQueryAsync() != 1)
        {
            // Only reachable through a bug; throwing rolls the stock change back with it.
            throw new InvalidOperationException($"Reservation '{reservationId}' was not HELD when leaving HELD.");
        }

        var lines = await FindLinesAsync(connection, transaction, reservationId);
        var items = await FindItemsAsync(connection, transaction, lines.Select(line => line.Sku).ToList(), CancellationToken.None);
        var kind = ItemChange.LeavingHeld(next);
        foreach (var line in lines)
        {
            await AppendAsync(
                connection, transaction, new ItemChange(kind, items[line.Sku], reservationId, line.Quantity), InventoryRows.FromMs(nowMs));
        }
    }

    private async Task HoldLineAsync(
        SqliteConnection connection,
        SqliteTransaction transaction,
        string reservationId,
        int index,
        ReservationLineRecord line,
        long nowMs)
    {
        using (var insert = Command(connection, transaction, """
            INSERT INTO reservation_lines (reservation_id, line_index, sku, quantity)
            VALUES ($id, $index, $sku, $quantity)
            """,
            ("$id", reservationId),
            ("$index", index),
            ("$sku", line.Sku),
            ("$quantity", line.Quantity)))
        {
            await insert.ExecuteNonQueryAsync();
        }

        // The availability condition repeats the Domain check in SQL so a hold can never oversell.
        using var hold = Command(connection, transaction, """
            UPDATE items SET reserved = reserved + $quantity, update_time_ms = $now
            WHERE sku = $sku AND on_hand - reserved >= $quantity
            """,
            ("$quantity", line.Quantity),
            ("$now", nowMs),
            ("$sku", line.Sku));
        if (await hold.ExecuteNonQueryAsync() != 1)
        {
            throw new InvalidOperationException($"Stock of '{line.Sku}' changed inside the reservation transaction.");
        }

        // Skus of one reservation are distinct, so this is the item's state after the whole reservation too.
        var item = await RequireItemAsync(connection, transaction, line.Sku);
        await AppendAsync(
            connection, transaction, new ItemChange(ItemChangeKind.StockReserved, item, reservationId, line.Quantity), InventoryRows.FromMs(nowMs));
    }

    private static async Task<ItemRecord?> FindItemAsync(
        SqliteConnection connection,
        SqliteTransaction? transaction,
        string sku,
        CancellationToken cancellationToken)
    {
        using var command = Command(connection, transaction,
            $"SELECT {InventoryRows.ItemColumns} FROM items WHERE sku = $sku",
            ("$sku", sku));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? InventoryRows.ReadItem(reader) : null;
    }

    private static async Task<ItemRecord> RequireItemAsync(SqliteConnection connection, SqliteTransaction transaction, string sku) =>
        await FindItemAsync(connection, transaction, sku, CancellationToken.None)
        ?? throw new InvalidOperationException($"Item '{sku}' vanished inside a transaction.");

    private static async Task<IReadOnlyDictionary<string, ItemRecord>> FindItemsAsync(
        SqliteConnection connection,
        SqliteTransaction? transaction,
        IReadOnlyCollection<string> skus,
        CancellationToken cancellationToken)
    {
        var items = new Dictionary<string, ItemRecord>(StringComparer.Ordinal);
        if (skus.Count == 0)
        {
            return items;
        }

        using var command = Command(connection, transaction, $"SELECT {InventoryRows.ItemColumns} FROM items WHERE sku IN {ListOf("$sku", skus.Count)}");
        BindList(command, "$sku", skus);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var item = InventoryRows.ReadItem(reader);
            items[item.Sku] = item;
        }

        return items;
    }

    private static async Task<StockAdjustment?> FindAdjustmentAsync(SqliteConnection connection, SqliteTransaction transaction, string requestId)
    {
        using var command = Command(connection, transaction,
            "SELECT request_id, sku, delta, reason FROM stock_adjustments WHERE request_id = $id",
            ("$id", requestId));
        await using var reader = await command.ExecuteReaderAsync();
        return await reader.ReadAsync()
            ? new StockAdjustment(reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetString(3))
            : null;
    }

    private static async Task<ReservationRecord?> FindReservationAsync(SqliteConnection connection, SqliteTransaction transaction, string reservationId)
    {
        string state;
        long expireMs;
        long createMs;
        using (var header = Command(connection, transaction,
            "SELECT state, expire_time_ms, create_time_ms FROM reservations WHERE reservation_id = $id",
            ("$id", reservationId)))
        {
            await using var reader = await header.ExecuteReaderAsync();
            if (!await reader.ReadAsync())
            {
                return null;
            }

            state = reader.GetString(0);
            expireMs = reader.GetInt64(1);
            createMs = reader.GetInt64(2);
        }

        var lines = await FindLinesAsync(connection, transaction, reservationId);
        return new ReservationRecord(reservationId, lines, InventoryRows.ParseStatus(state), InventoryRows.FromMs(expireMs), InventoryRows.FromMs(createMs));
    }

    private static async Task<IReadOnlyList<ReservationLineRecord>> FindLinesAsync(SqliteConnection connection, SqliteTransaction transaction, string reservationId)
    {
        var lines = new List<ReservationLineRecord>();
        using var query = Command(connection, transaction,
            "SELECT sku, quantity FROM reservation_lines WHERE reservation_id = $id ORDER BY line_index",
            ("$id", reservationId));
        await using var reader = await query.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            lines.Add(new ReservationLineRecord(reader.GetString(0), reader.GetInt64(1)));
        }

        return lines;
    }

    private static async Task<ReservationRecord> RequireReservationAsync(SqliteConnection connection, SqliteTransaction transaction, string reservationId) =>
        await FindReservationAsync(connection, transaction, reservationId)
        ?? throw new InvalidOperationException($"Reservation '{reservationId}' vanished inside a transaction.");

    private static SqliteCommand Command(
        SqliteConnection connection,
        SqliteTransaction? transaction,
        string sql,
        params ReadOnlySpan<(string Name, object? Value)> parameters)
    {
        var command = connection.Prepared(sql, transaction);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }

    /// <summary>
    /// The SQL list "($p0, $p1, ...)" of <paramref name="count"/> numbered parameters: the same
    /// text for the same count, so the statement is prepared once per list length.
    /// </summary>
    private static string ListOf(string prefix, int count) =>
        $"({string.Join(", ", Enumerable.Range(0, count).Select(index => prefix + index.ToString(CultureInfo.InvariantCulture)))})";

    /// <summary>Binds <paramref name="values"/> to the parameters <see cref="ListOf"/> named, in order.</summary>
    private static void BindList(SqliteCommand command, string prefix, IEnumerable<string> values)
    {
        var index = 0;
        foreach (var value in values)
        {
            command.Parameters.AddWithValue(prefix + index.ToString(CultureInfo.InvariantCulture), value);
            index++;
        }
    }
}
