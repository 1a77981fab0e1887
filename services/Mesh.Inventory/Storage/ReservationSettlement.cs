using Mesh.Inventory.Domain;
using Mesh.Storage;

namespace Mesh.Inventory.Storage;

/// <summary>
/// Moving stock out of holds, for writers on any number of replicas. Lock order on PostgreSQL,
/// the same in every transaction so replicas queue up rather than deadlock: an idempotency key
/// (advisory lock) first, then reservation rows (by expire time, id), then all the item rows
/// the transaction will touch in one statement (by sku), and the event log's lock last (with
/// the commit). On SQLite the single writer makes every lock here a no-op.
/// </summary>
internal static class ReservationSettlement
{
    /// <summary>
    /// Expires up to <paramref name="limit"/> overdue holds (only those with a line on one of
    /// <paramref name="skus"/>, when given) and leaves every item of <paramref name="skus"/>
    /// and of the expired holds locked. <paramref name="skipLocked"/> lets sweeps on several
    /// replicas share the work instead of queueing; a call that must see every overdue hold
    /// gone waits instead. Either way each hold is re-checked under its row lock, so it leaves
    /// HELD exactly once.
    /// </summary>
    public static async Task<IReadOnlyList<string>> ExpireDueAsync(
        InventoryWrite write, IReadOnlyCollection<string>? skus, int limit, bool skipLocked)
    {
        var dialect = write.Session.Dialect;
        // Driven by the partial index of held reservations, so old committed lines are never scanned.
        var skuFilter = skus is null
            ? string.Empty
            : $"AND EXISTS (SELECT 1 FROM reservation_lines AS l WHERE l.reservation_id = r.reservation_id AND {dialect.InList("l.sku", "skus")})";
        // The lock covers r only: rows of a subquery in WHERE are never locked.
        var ids = (await write.Session.QueryAsync<string>($"""
            SELECT r.reservation_id FROM reservations AS r
            WHERE r.state = 'HELD' AND r.expire_time_ms <= @now {skuFilter}
            ORDER BY r.expire_time_ms, r.reservation_id
            LIMIT @limit
            {(skipLocked ? dialect.ForUpdateSkipLocked : dialect.ForUpdate)}
            """, new { now = write.NowMs, limit, skus = skus?.ToArray() })).ToList();

        await ItemQueries.LockItemsAsync(write.Session, [.. skus ?? [], .. await LineSkusAsync(write.Session, ids)]);
        foreach (var id in ids)
        {
            await LeaveHeldAsync(write, id, ReservationStatus.Expired);
        }

        return ids;
    }

    /// <summary>
    /// Moves a HELD reservation, whose row and items the caller has locked, to
    /// <paramref name="next"/>, settles its stock and announces one change per item, in line order.
    /// </summary>
    public static async Task LeaveHeldAsync(InventoryWrite write, string reservationId, ReservationStatus next)
    {
        // Committed units leave the building (on hand drops); released or expired ones become available again.
        var settle = next == ReservationStatus.Committed
            ? "on_hand = items.on_hand - l.quantity, reserved = items.reserved - l.quantity"
            : "reserved = items.reserved - l.quantity";
        await write.Session.ExecuteAsync($"""
            UPDATE items SET {settle}, update_time_ms = @now
            FROM reservation_lines AS l
            WHERE l.reservation_id = @id AND l.sku = items.sku
            """, new { id = reservationId, now = write.NowMs });

        var moved = await write.Session.ExecuteAsync(
            "UPDATE reservations SET state = @state, update_time_ms = @now WHERE reservation_id = @id AND state = 'HELD'",
            new { state = InventoryRows.ToColumn(next), now = write.NowMs, id = reservationId });
        if (moved != 1)
        {
            // Only reachable through a bug (the row is locked and was HELD); throwing rolls the stock change back.
            throw new InvalidOperationException($"Reservation '{reservationId}' was not HELD when leaving HELD.");
        }

        var lines = await FindLinesAsync(write.Session, reservationId);
        var items = await ItemQueries.FindItemsAsync(write.Session, lines.Select(line => line.Sku));
        var kind = ItemChange.LeavingHeld(next);
        foreach (var line in lines)
        {
            await write.AppendAsync(new ItemChange(kind, items[line.Sku], reservationId, line.Quantity));
        }
    }

    public static async Task<IReadOnlyList<ReservationLineRecord>> FindLinesAsync(StoreSession session, string reservationId)
    {
        var lines = await session.QueryAsync<(string Sku, long Quantity)>(
            "SELECT sku, quantity FROM reservation_lines WHERE reservation_id = @id ORDER BY line_index", new { id = reservationId });
        return [.. lines.Select(line => new ReservationLineRecord(line.Sku, line.Quantity))];
    }

    private static async Task<IReadOnlyList<string>> LineSkusAsync(StoreSession session, IReadOnlyList<string> reservationIds)
    {
        if (reservationIds.Count == 0)
        {
            return [];
        }

        return [.. await session.QueryAsync<string>(
            $"SELECT DISTINCT sku FROM reservation_lines WHERE {session.Dialect.InList("reservation_id", "ids")}",
            new { ids = reservationIds.ToArray() })];
    }
}
