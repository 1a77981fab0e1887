using Mesh.Inventory.Domain;
using Mesh.Inventory.Feeds;
using Mesh.Storage.Postgres;
using static Mesh.Inventory.Storage.Postgres.PostgresInventoryQueries;
using static Mesh.Inventory.Storage.Postgres.PostgresReservationSettlement;
using static Mesh.Inventory.Storage.Postgres.PostgresSql;

namespace Mesh.Inventory.Storage.Postgres;

/// <summary>
/// The inventory tables in PostgreSQL, shared by every replica. Each write is one READ
/// COMMITTED transaction that locks what its decision depends on before reading it — the
/// idempotency key, the reservation row, the item rows (see <see cref="PostgresReservationSettlement"/>
/// for the order) — so a decision taken on one replica is never invalidated by another before
/// it commits. Item changes are appended to the event log with the commit.
/// </summary>
public sealed class PostgresInventoryRepository(PostgresDatabase database, PostgresEventLog events, TimeProvider time) : IInventoryRepository
{
    /// <summary>Advisory-lock class of reservation ids ("INVR"; the two-int key space the event logs use with "MESH").</summary>
    public const int ReservationKeyClass = 0x494E_5652;

    /// <summary>Advisory-lock class of AdjustStock request ids ("INVA").</summary>
    public const int AdjustmentKeyClass = 0x494E_5641;

    public Task<ItemRecord?> GetItemAsync(string sku, CancellationToken cancellationToken) =>
        database.ReadAsync(connection => FindItemAsync(connection, null, sku, cancellationToken), cancellationToken);

    public Task<IReadOnlyDictionary<string, ItemRecord>> GetItemsAsync(IReadOnlyCollection<string> skus, CancellationToken cancellationToken) =>
        database.ReadAsync(connection => FindItemsAsync(connection, null, skus, cancellationToken), cancellationToken);

    public Task<IReadOnlyList<ItemRecord>> ListItemsAsync(string? afterSku, int limit, CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<ItemRecord>>(async connection =>
        {
            // sku is COLLATE "C": ordinal order, "" sorts first, walking the primary key from the cursor.
            await using var command = Command(connection, null, $"""
                SELECT {InventoryRows.ItemColumns} FROM items WHERE sku > $1 ORDER BY sku LIMIT $2
                """, Value(afterSku ?? string.Empty), Value(limit));
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
        return WriteAsync<CreateItemOutcome>(async write =>
        {
            // A racing insert of the same sku on another replica makes this one wait for its
            // commit and then do nothing: the primary key decides who created the sku.
            await using (var insert = write.Command("""
                INSERT INTO items (sku, name, currency_code, unit_price_minor, initial_quantity, on_hand, reserved, create_time_ms, update_time_ms,
                                   created_name, created_currency_code, created_unit_price_minor)
                VALUES ($1, $2, $3, $4, $5, $5, 0, $6, $6, $2, $3, $4)
                ON CONFLICT (sku) DO NOTHING
                """,
                Value(definition.Sku), Value(definition.Name), Value(definition.CurrencyCode),
                Value(definition.UnitPriceMinor), Value(definition.InitialQuantity), Value(write.NowMs)))
            {
                if (await insert.ExecuteNonQueryAsync() == 1)
                {
                    var item = await RequireItemAsync(write, definition.Sku);
                    write.Changes.Add(new ItemChange(ItemChangeKind.Created, item));
                    return new CreateItemOutcome.Created(item);
                }
            }

            var existing = await RequireItemAsync(write, definition.Sku);
            return definition == await CreatedDefinitionAsync(write, definition.Sku)
                ? new CreateItemOutcome.AlreadyCreated(existing)
                : new CreateItemOutcome.Conflict(existing);
        }, cancellationToken);
    }

    public Task<UpdateItemOutcome> UpdateItemAsync(ItemUpdate update, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(update);
        return WriteAsync<UpdateItemOutcome>(async write =>
        {
            var locked = await FindItemsAsync(write.Connection, write.Transaction, [update.Sku], CancellationToken.None, lockRows: true);
            if (!locked.TryGetValue(update.Sku, out var item))
            {
                return new UpdateItemOutcome.ItemNotFound();
            }

            if (!update.Changes(item))
            {
                return new UpdateItemOutcome.Unchanged(item);
            }

            var changed = update.ApplyTo(item);
            await using (var command = write.Command("""
                UPDATE items SET name = $1, currency_code = $2, unit_price_minor = $3, update_time_ms = $4 WHERE sku = $5
                """, Value(changed.Name), Value(changed.CurrencyCode), Value(changed.UnitPriceMinor), Value(write.NowMs), Value(update.Sku)))
            {
                await command.ExecuteNonQueryAsync();
            }

            var updated = await RequireItemAsync(write, update.Sku);
            write.Changes.Add(new ItemChange(ItemChangeKind.Updated, updated));
            return new UpdateItemOutcome.Updated(updated);
        }, cancellationToken);
    }

    public Task<AdjustStockOutcome> AdjustStockAsync(StockAdjustment adjustment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(adjustment);
        return WriteAsync<AdjustStockOutcome>(async write =>
        {
            await LockKeyAsync(write, AdjustmentKeyClass, adjustment.RequestId);
            if (await FindAdjustmentAsync(write, adjustment.RequestId) is { } previous)
            {
                return previous.SameRequestAs(adjustment)
                    ? new AdjustStockOutcome.AlreadyApplied(await RequireItemAsync(write, adjustment.Sku))
                    : new AdjustStockOutcome.RequestIdReused();
            }

            // Holds past their TTL must not make a removal look short; this also locks the item.
            await ExpireDueAsync(write, [adjustment.Sku], int.MaxValue, skipLocked: false);
            var item = await FindItemAsync(write.Connection, write.Transaction, adjustment.Sku, CancellationToken.None);
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

            await using (var record = write.Command("""
                INSERT INTO stock_adjustments (request_id, sku, delta, reason, create_time_ms) VALUES ($1, $2, $3, $4, $5)
                """, Value(adjustment.RequestId), Value(adjustment.Sku), Value(adjustment.Delta), Value(adjustment.Reason), Value(write.NowMs)))
            {
                await record.ExecuteNonQueryAsync();
            }

            await using (var update = write.Command(
                "UPDATE items SET on_hand = $1, update_time_ms = $2 WHERE sku = $3", Value(onHand), Value(write.NowMs), Value(adjustment.Sku)))
            {
                await update.ExecuteNonQueryAsync();
            }

            var adjusted = await RequireItemAsync(write, adjustment.Sku);
            write.Changes.Add(new ItemChange(ItemChangeKind.StockAdjusted, adjusted, Quantity: adjustment.Delta));
            return new AdjustStockOutcome.Applied(adjusted);
        }, cancellationToken);
    }

    public Task<ReserveStockOutcome> ReserveStockAsync(
        string reservationId, IReadOnlyList<ReservationLineRecord> lines, TimeSpan ttl, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(reservationId);
        ArgumentNullException.ThrowIfNull(lines);
        return WriteAsync<ReserveStockOutcome>(async write =>
        {
            await LockKeyAsync(write, ReservationKeyClass, reservationId);
            var skus = lines.Select(line => line.Sku).ToList();
            // First, so an overdue retry is returned as EXPIRED and overdue holds never cause a
            // shortage; it leaves every item of the request locked until commit.
            await ExpireDueAsync(write, skus, int.MaxValue, skipLocked: false);

            if (await FindReservationAsync(write, reservationId) is { } existing)
            {
                return existing.HasSameLines(lines)
                    ? new ReserveStockOutcome.AlreadyReserved(existing)
                    : new ReserveStockOutcome.RequestIdReused();
            }

            var items = await FindItemsAsync(write.Connection, write.Transaction, skus, CancellationToken.None);
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

            var expireMs = checked(write.NowMs + (ttl.Ticks / TimeSpan.TicksPerMillisecond));
            await using (var insert = write.Command("""
                INSERT INTO reservations (reservation_id, state, expire_time_ms, create_time_ms, update_time_ms) VALUES ($1, $2, $3, $4, $4)
                """, Value(reservationId), Value(InventoryRows.ToColumn(ReservationStatus.Held)), Value(expireMs), Value(write.NowMs)))
            {
                await insert.ExecuteNonQueryAsync();
            }

            for (var index = 0; index < lines.Count; index++)
            {
                await HoldLineAsync(write, reservationId, index, lines[index]);
            }

            return new ReserveStockOutcome.Held(await RequireReservationAsync(write, reservationId));
        }, cancellationToken);
    }

    public Task<ReservationChange?> CommitReservationAsync(string reservationId, CancellationToken cancellationToken) =>
        ChangeReservationAsync(reservationId, ReservationLifecycle.AfterCommit, cancellationToken);

    public Task<ReservationChange?> ReleaseReservationAsync(string reservationId, CancellationToken cancellationToken) =>
        ChangeReservationAsync(reservationId, ReservationLifecycle.AfterRelease, cancellationToken);

    public Task<IReadOnlyList<string>> ExpireDueReservationsAsync(int limit, CancellationToken cancellationToken) =>
        WriteAsync(write => ExpireDueAsync(write, null, limit, skipLocked: true), cancellationToken);

    private Task<ReservationChange?> ChangeReservationAsync(
        string reservationId,
        Func<ReservationRecord, DateTimeOffset, ReservationStatus> decide,
        CancellationToken cancellationToken) =>
        WriteAsync<ReservationChange?>(async write =>
        {
            // The row lock makes a racing commit, release or sweep on any replica wait, and then
            // see the state this one left: exactly one of them moves the hold out of HELD.
            var reservation = await FindReservationAsync(write, reservationId, lockRow: true);
            if (reservation is null)
            {
                return null;
            }

            var next = decide(reservation, write.Now);
            if (next != reservation.Status)
            {
                await LockItemsAsync(write, reservation.Lines.Select(line => line.Sku));
                await LeaveHeldAsync(write, reservationId, next);
            }

            return new ReservationChange(reservation with { Status = next }, reservation.Status);
        }, cancellationToken);

    private Task<T> WriteAsync<T>(Func<PostgresInventoryWrite, Task<T>> work, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            var write = new PostgresInventoryWrite(connection, transaction, Now());
            var result = await work(write);
            // Sent with the COMMIT: the log's append lock is held for no round trip.
            foreach (var change in write.Changes)
            {
                _ = events.AppendAtCommit(transaction, InventoryEventLog.FilterKey(change), InventoryEventLog.Payload(change, write.Now), write.Now);
            }

            return result;
        }, cancellationToken);

    // Time at the millisecond precision it is stored with, so in-memory and SQL comparisons agree.
    private DateTimeOffset Now() => InventoryRows.FromMs(InventoryRows.ToMs(time.GetUtcNow()));
}
