using Mesh.Inventory.Domain;
using Mesh.Inventory.Feeds;
using Mesh.Storage;

namespace Mesh.Inventory.Storage;

/// <summary>
/// Reservations and the stock they hold, on whichever database the service runs. Each write is
/// one transaction that takes the locks its decision depends on (see
/// <see cref="ReservationSettlement"/> for the order), reads, decides with the Domain rules and
/// writes, so no other write — in this process or another replica — can slip between a check
/// and its effect. Refusals are returned as outcomes rather than thrown, so the transaction
/// still commits what happened on the way (overdue holds expired) and nothing else.
/// </summary>
public sealed class ReservationStore(StoreDatabase database, InventoryEventLog events, TimeProvider time)
{
    /// <summary>Advisory-lock class of reservation ids ("INVR"; the two-int key space the event logs use with "MESH").</summary>
    public const int ReservationKeyClass = 0x494E_5652;

    /// <summary>
    /// Holds every line or none, once per reservation id; with <paramref name="commit"/> a new
    /// hold is committed in the same transaction (its stock sold), and a retry commits an earlier
    /// hold still HELD (an overdue one is returned EXPIRED, unsold).
    /// </summary>
    public async Task<ReserveStockOutcome> ReserveStockAsync(
        string reservationId, IReadOnlyList<ReservationLineRecord> lines, TimeSpan ttl, bool commit, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(reservationId);
        ArgumentNullException.ThrowIfNull(lines);
        var outcome = await ReserveAsync(reservationId, lines, ttl, commit, cancellationToken);
        if (commit && outcome is ReserveStockOutcome.AlreadyReserved { Reservation.Status: ReservationStatus.Held })
        {
            // In a transaction of its own, which takes the reservation's row lock before its items
            // (the order ReservationSettlement keeps); found above, and reservations are never deleted.
            var committed = await CommitReservationAsync(reservationId, cancellationToken)
                ?? throw new InvalidOperationException($"Reservation '{reservationId}' vanished after it was found.");
            return new ReserveStockOutcome.AlreadyReserved(committed.Reservation);
        }

        return outcome;
    }

    /// <summary>Commits a held reservation (or expires it when overdue); null when it does not exist.</summary>
    public Task<ReservationChange?> CommitReservationAsync(string reservationId, CancellationToken cancellationToken) =>
        ChangeReservationAsync(reservationId, ReservationLifecycle.AfterCommit, cancellationToken);

    private Task<ReserveStockOutcome> ReserveAsync(
        string reservationId, IReadOnlyList<ReservationLineRecord> lines, TimeSpan ttl, bool commit, CancellationToken cancellationToken) =>
        WriteAsync<ReserveStockOutcome>(async write =>
        {
            // Replicas deciding the same id run one after the other; the second sees the first's hold.
            await write.Session.Dialect.LockAsync(write.Session, ReservationKeyClass, reservationId);
            var skus = lines.Select(line => line.Sku).ToList();
            // First, so an overdue retry is returned as EXPIRED and overdue holds never cause a
            // shortage; it leaves every item of the request locked until commit.
            await ReservationSettlement.ExpireDueAsync(write, skus, int.MaxValue, skipLocked: false);

            if (await FindReservationAsync(write.Session, reservationId) is { } existing)
            {
                return existing.HasSameLines(lines)
                    ? new ReserveStockOutcome.AlreadyReserved(existing)
                    : new ReserveStockOutcome.RequestIdReused();
            }

            var items = await ItemQueries.FindItemsAsync(write.Session, skus);
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

            await write.Session.ExecuteAsync("""
                INSERT INTO reservations (reservation_id, state, expire_time_ms, create_time_ms, update_time_ms)
                VALUES (@id, @state, @expire, @now, @now)
                """, new
            {
                id = reservationId,
                state = InventoryRows.ToColumn(ReservationStatus.Held),
                // A sale holds nothing, so it is due at once (it never stays HELD for a sweep to see).
                expire = commit ? write.NowMs : checked(write.NowMs + (ttl.Ticks / TimeSpan.TicksPerMillisecond)),
                now = write.NowMs,
            });
            for (var index = 0; index < lines.Count; index++)
            {
                await HoldLineAsync(write, reservationId, index, lines[index]);
            }

            if (commit)
            {
                // The row is this transaction's own and the items are locked above: the lock order holds.
                await ReservationSettlement.LeaveHeldAsync(write, reservationId, ReservationStatus.Committed);
            }

            return new ReserveStockOutcome.Reserved(
                await FindReservationAsync(write.Session, reservationId)
                ?? throw new InvalidOperationException($"Reservation '{reservationId}' vanished inside a transaction."));
        }, cancellationToken);

    /// <summary>Releases a held reservation (or expires it when overdue); null when it does not exist.</summary>
    public Task<ReservationChange?> ReleaseReservationAsync(string reservationId, CancellationToken cancellationToken) =>
        ChangeReservationAsync(reservationId, ReservationLifecycle.AfterRelease, cancellationToken);

    /// <summary>
    /// Expires up to <paramref name="limit"/> overdue holds, oldest deadline first; returns their
    /// ids. Sweeps on several replicas skip each other's holds instead of queueing behind them.
    /// </summary>
    public Task<IReadOnlyList<string>> ExpireDueReservationsAsync(int limit, CancellationToken cancellationToken) =>
        WriteAsync(write => ReservationSettlement.ExpireDueAsync(write, null, limit, skipLocked: true), cancellationToken);

    private Task<ReservationChange?> ChangeReservationAsync(
        string reservationId, Func<ReservationRecord, DateTimeOffset, ReservationStatus> decide, CancellationToken cancellationToken) =>
        WriteAsync<ReservationChange?>(async write =>
        {
            // The row lock makes a racing commit, release or sweep on any replica wait, and then
            // see the state this one left: exactly one of them moves the hold out of HELD.
            var reservation = await FindReservationAsync(write.Session, reservationId, lockRow: true);
            if (reservation is null)
            {
                return null;
            }

            var next = decide(reservation, write.Now);
            if (next != reservation.Status)
            {
                await ItemQueries.LockItemsAsync(write.Session, reservation.Lines.Select(line => line.Sku));
                await ReservationSettlement.LeaveHeldAsync(write, reservationId, next);
            }

            return new ReservationChange(reservation with { Status = next }, reservation.Status);
        }, cancellationToken);

    /// <summary>Holds one line of a new reservation; its item is locked and its availability checked.</summary>
    private static async Task HoldLineAsync(InventoryWrite write, string reservationId, int index, ReservationLineRecord line)
    {
        await write.Session.ExecuteAsync("""
            INSERT INTO reservation_lines (reservation_id, line_index, sku, quantity) VALUES (@id, @index, @sku, @quantity)
            """, new { id = reservationId, index, sku = line.Sku, quantity = line.Quantity });

        // The availability condition repeats the Domain check in SQL so a hold can never oversell.
        var held = await write.Session.ExecuteAsync("""
            UPDATE items SET reserved = reserved + @quantity, update_time_ms = @now
            WHERE sku = @sku AND on_hand - reserved >= @quantity
            """, new { quantity = line.Quantity, now = write.NowMs, sku = line.Sku });
        if (held != 1)
        {
            throw new InvalidOperationException($"Stock of '{line.Sku}' changed inside the reservation transaction.");
        }

        // Skus of one reservation are distinct, so this is the item's state after the whole reservation too.
        var item = await ItemQueries.RequireItemAsync(write.Session, line.Sku);
        await write.AppendAsync(new ItemChange(ItemChangeKind.StockReserved, item, reservationId, line.Quantity));
    }

    /// <summary>The reservation; with <paramref name="lockRow"/> its row is locked first (waiting for any other writer of it).</summary>
    private static async Task<ReservationRecord?> FindReservationAsync(StoreSession session, string reservationId, bool lockRow = false)
    {
        var row = await session.QuerySingleOrDefaultAsync<ReservationRow>(
            $"SELECT state, expire_time_ms, create_time_ms FROM reservations WHERE reservation_id = @id {(lockRow ? session.Dialect.ForUpdate : string.Empty)}",
            new { id = reservationId });
        if (row is null)
        {
            return null;
        }

        var lines = await ReservationSettlement.FindLinesAsync(session, reservationId);
        return new ReservationRecord(
            reservationId, lines, InventoryRows.ParseStatus(row.State), InventoryRows.FromMs(row.ExpireTimeMs), InventoryRows.FromMs(row.CreateTimeMs));
    }

    private Task<T> WriteAsync<T>(Func<InventoryWrite, Task<T>> decide, CancellationToken cancellationToken) =>
        InventoryWrite.RunAsync(database, events, time, decide, cancellationToken);

    private sealed class ReservationRow
    {
        public string State { get; set; } = string.Empty;

        public long ExpireTimeMs { get; set; }

        public long CreateTimeMs { get; set; }
    }
}
