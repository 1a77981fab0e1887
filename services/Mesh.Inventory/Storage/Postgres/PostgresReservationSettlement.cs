using Mesh.Inventory.Domain;
using static Mesh.Inventory.Storage.Postgres.PostgresSql;

namespace Mesh.Inventory.Storage.Postgres;

/// <summary>
/// Moving stock in and out of holds, for writers on any number of replicas. Lock order, the
/// same in every transaction so replicas queue up rather than deadlock: an idempotency key
/// (advisory lock) first, then reservation rows (by expire time, id), then all the item rows
/// the transaction will touch in one statement (by sku), and the event log's lock last.
/// </summary>
internal static class PostgresReservationSettlement
{
    /// <summary>
    /// Takes the transaction-scoped advisory lock of an idempotency key, so two replicas
    /// deciding the same key run one after the other and the second sees the first's effect.
    /// A hash collision with another key only makes two unrelated calls wait for each other.
    /// </summary>
    public static async Task LockKeyAsync(PostgresInventoryWrite write, int keyClass, string key)
    {
        await using var command = write.Command("SELECT pg_advisory_xact_lock($1, hashtext($2))", Value(keyClass), Value(key));
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// Expires up to <paramref name="limit"/> overdue holds (only those with a line on one of
    /// <paramref name="skus"/>, when given) and leaves every item of <paramref name="skus"/>
    /// and of the expired holds locked. <paramref name="skipLocked"/> lets sweeps on several
    /// replicas share the work instead of queueing; a call that must see every overdue hold
    /// gone waits instead. Either way each hold is re-checked under its row lock, so it leaves
    /// HELD exactly once.
    /// </summary>
    public static async Task<IReadOnlyList<string>> ExpireDueAsync(
        PostgresInventoryWrite write, IReadOnlyCollection<string>? skus, int limit, bool skipLocked)
    {
        var ids = new List<string>();
        var skuFilter = skus is null
            ? string.Empty
            : "AND EXISTS (SELECT 1 FROM reservation_lines AS l WHERE l.reservation_id = r.reservation_id AND l.sku = ANY($3))";
        await using (var select = write.Command($"""
            SELECT r.reservation_id FROM reservations AS r
            WHERE r.state = 'HELD' AND r.expire_time_ms <= $1 {skuFilter}
            ORDER BY r.expire_time_ms, r.reservation_id
            LIMIT $2
            FOR UPDATE OF r{(skipLocked ? " SKIP LOCKED" : string.Empty)}
            """, Value(write.NowMs), Value(limit)))
        {
            if (skus is not null)
            {
                select.Parameters.Add(Value(skus.ToArray()));
            }

            await using var reader = await select.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                ids.Add(reader.GetString(0));
            }
        }

        await LockItemsAsync(write, [.. skus ?? [], .. await LineSkusAsync(write, ids)]);
        foreach (var id in ids)
        {
            await LeaveHeldAsync(write, id, ReservationStatus.Expired);
        }

        return ids;
    }

    /// <summary>Locks the items of <paramref name="skus"/> FOR UPDATE, in sku order, in one statement.</summary>
    public static Task LockItemsAsync(PostgresInventoryWrite write, IEnumerable<string> skus) =>
        PostgresInventoryQueries.FindItemsAsync(write.Connection, write.Transaction, skus, CancellationToken.None, lockRows: true);

    /// <summary>
    /// Moves a HELD reservation, whose row and items the caller has locked, to
    /// <paramref name="next"/>, settles its stock and records one change per item, in line order.
    /// </summary>
    public static async Task LeaveHeldAsync(PostgresInventoryWrite write, string reservationId, ReservationStatus next)
    {
        // Committed units leave the building (on hand drops); released or expired ones become available again.
        var settle = next == ReservationStatus.Committed
            ? "on_hand = items.on_hand - l.quantity, reserved = items.reserved - l.quantity"
            : "reserved = items.reserved - l.quantity";
        await using (var stock = write.Command($"""
            UPDATE items SET {settle}, update_time_ms = $2
            FROM reservation_lines AS l
            WHERE l.reservation_id = $1 AND l.sku = items.sku
            """, Value(reservationId), Value(write.NowMs)))
        {
            await stock.ExecuteNonQueryAsync();
        }

        await using (var state = write.Command(
            "UPDATE reservations SET state = $1, update_time_ms = $2 WHERE reservation_id = $3 AND state = 'HELD'",
            Value(InventoryRows.ToColumn(next)), Value(write.NowMs), Value(reservationId)))
        {
            if (await state.ExecuteNonQueryAsync() != 1)
            {
                // Only reachable through a bug (the row is locked and was HELD); throwing rolls the stock change back.
                throw new InvalidOperationException($"Reservation '{reservationId}' was not HELD when leaving HELD.");
            }
        }

        var lines = await PostgresInventoryQueries.FindLinesAsync(write, reservationId);
        var items = await PostgresInventoryQueries.FindItemsAsync(write.Connection, write.Transaction, lines.Select(line => line.Sku), CancellationToken.None);
        var kind = ItemChange.LeavingHeld(next);
        write.Changes.AddRange(lines.Select(line => new ItemChange(kind, items[line.Sku], reservationId, line.Quantity)));
    }

    /// <summary>Holds one line of a new reservation; the caller has locked its item and checked availability.</summary>
    public static async Task HoldLineAsync(PostgresInventoryWrite write, string reservationId, int index, ReservationLineRecord line)
    {
        await using (var insert = write.Command("""
            INSERT INTO reservation_lines (reservation_id, line_index, sku, quantity) VALUES ($1, $2, $3, $4)
            """, Value(reservationId), Value(index), Value(line.Sku), Value(line.Quantity)))
        {
            await insert.ExecuteNonQueryAsync();
        }

        // The availability condition repeats the Domain check in SQL so a hold can never oversell.
        await using (var hold = write.Command("""
            UPDATE items SET reserved = reserved + $1, update_time_ms = $2
            WHERE sku = $3 AND on_hand - reserved >= $1
            """, Value(line.Quantity), Value(write.NowMs), Value(line.Sku)))
        {
            if (await hold.ExecuteNonQueryAsync() != 1)
            {
                throw new InvalidOperationException($"Stock of '{line.Sku}' changed inside the reservation transaction.");
            }
        }

        // Skus of one reservation are distinct, so this is the item's state after the whole reservation too.
        var item = await PostgresInventoryQueries.RequireItemAsync(write, line.Sku);
        write.Changes.Add(new ItemChange(ItemChangeKind.StockReserved, item, reservationId, line.Quantity));
    }

    private static async Task<IReadOnlyList<string>> LineSkusAsync(PostgresInventoryWrite write, IReadOnlyList<string> reservationIds)
    {
        var skus = new List<string>();
        if (reservationIds.Count == 0)
        {
            return skus;
        }

        await using var command = write.Command(
            "SELECT DISTINCT sku FROM reservation_lines WHERE reservation_id = ANY($1)", Value(reservationIds.ToArray()));
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            skus.Add(reader.GetString(0));
        }

        return skus;
    }
}
