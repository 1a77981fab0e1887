using Mesh.Inventory.Domain;
using Mesh.Inventory.Feeds;
using Mesh.ServiceDefaults.Storage;
using Mesh.Storage;

namespace Mesh.Inventory.Storage;

/// <summary>
/// The catalog items and their stock on hand, on whichever database the service runs. Each
/// write is one transaction that takes the locks its decision depends on, reads, decides with
/// the Domain rules and writes, so no other write — in this process or another replica — can
/// slip between a check and its effect. Refusals are returned as outcomes rather than thrown.
/// Every item change is appended to the inventory event log in the transaction that makes it.
/// </summary>
/// <remarks>
/// GetItem reads through a <see cref="ReadView{TValue}"/> on SQLite: every change to an item
/// appends an event keyed by its sku, and that append invalidates the sku when its transaction ends.
/// </remarks>
public sealed class ItemStore(StoreDatabase database, InventoryEventLog events, TimeProvider time, ReadViews views)
{
    /// <summary>Advisory-lock class of AdjustStock request ids ("INVA").</summary>
    public const int AdjustmentKeyClass = 0x494E_5641;

    private readonly ReadView<ItemRecord> _items = views.Create<ItemRecord>("items", InventoryEventLog.Name);

    public ValueTask<ItemRecord?> GetItemAsync(string sku, CancellationToken cancellationToken) =>
        _items.GetAsync(sku, database, static (sku, database, token) => database.ReadAsync(session => ItemQueries.FindItemAsync(session, sku), token), cancellationToken);

    /// <summary>The items that exist among <paramref name="skus"/>, keyed by sku.</summary>
    public Task<IReadOnlyDictionary<string, ItemRecord>> GetItemsAsync(IReadOnlyCollection<string> skus, CancellationToken cancellationToken) =>
        database.ReadAsync(session => ItemQueries.FindItemsAsync(session, skus), cancellationToken);

    /// <summary>Up to <paramref name="limit"/> items with a sku ordinally after <paramref name="afterSku"/>, in sku order.</summary>
    public Task<IReadOnlyList<ItemRecord>> ListItemsAsync(string? afterSku, int limit, CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<ItemRecord>>(async session =>
        {
            // Skus are non-empty ASCII and the key is BINARY (SQLite) or COLLATE "C" (PostgreSQL):
            // "" sorts first and ORDER BY is ordinal, walking the primary key from the cursor.
            var rows = await session.QueryAsync<ItemRow>(
                $"SELECT {ItemRow.Columns} FROM items WHERE sku > @after ORDER BY sku LIMIT @limit",
                new { after = afterSku ?? string.Empty, limit });
            return [.. rows.Select(row => row.ToRecord())];
        }, cancellationToken);

    /// <summary>Creates the item once; a retry with the same definition gets the item back.</summary>
    public Task<CreateItemOutcome> CreateItemAsync(ItemDefinition definition, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return WriteAsync<CreateItemOutcome>(async write =>
        {
            // ON CONFLICT DO NOTHING: the primary key decides who created the sku. A racing insert
            // on another replica makes this one wait for its commit and then do nothing.
            var inserted = await write.Session.ExecuteAsync("""
                INSERT INTO items (sku, name, currency_code, unit_price_minor, initial_quantity, on_hand, reserved, create_time_ms, update_time_ms,
                                   created_name, created_currency_code, created_unit_price_minor)
                VALUES (@sku, @name, @currency, @price, @initial, @initial, 0, @now, @now, @name, @currency, @price)
                ON CONFLICT (sku) DO NOTHING
                """, new
            {
                sku = definition.Sku,
                name = definition.Name,
                currency = definition.CurrencyCode,
                price = definition.UnitPriceMinor,
                initial = definition.InitialQuantity,
                now = write.NowMs,
            }) == 1;
            var item = await ItemQueries.RequireItemAsync(write.Session, definition.Sku);
            if (inserted)
            {
                await write.AppendAsync(new ItemChange(ItemChangeKind.Created, item));
                return new CreateItemOutcome.Created(item);
            }

            return definition == await CreatedDefinitionAsync(write.Session, definition.Sku)
                ? new CreateItemOutcome.AlreadyCreated(item)
                : new CreateItemOutcome.Conflict(item);
        }, cancellationToken);
    }

    /// <summary>Changes name and/or price; a call that would change nothing writes nothing.</summary>
    public Task<UpdateItemOutcome> UpdateItemAsync(ItemUpdate update, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(update);
        return WriteAsync<UpdateItemOutcome>(async write =>
        {
            var locked = await ItemQueries.FindItemsAsync(write.Session, [update.Sku], lockRows: true);
            if (!locked.TryGetValue(update.Sku, out var item))
            {
                return new UpdateItemOutcome.ItemNotFound();
            }

            if (!update.Changes(item))
            {
                return new UpdateItemOutcome.Unchanged(item);
            }

            var changed = update.ApplyTo(item);
            await write.Session.ExecuteAsync(
                "UPDATE items SET name = @name, currency_code = @currency, unit_price_minor = @price, update_time_ms = @now WHERE sku = @sku",
                new { name = changed.Name, currency = changed.CurrencyCode, price = changed.UnitPriceMinor, now = write.NowMs, sku = update.Sku });
            var updated = await ItemQueries.RequireItemAsync(write.Session, update.Sku);
            await write.AppendAsync(new ItemChange(ItemChangeKind.Updated, updated));
            return new UpdateItemOutcome.Updated(updated);
        }, cancellationToken);
    }

    /// <summary>Applies the adjustment once per request id.</summary>
    public Task<AdjustStockOutcome> AdjustStockAsync(StockAdjustment adjustment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(adjustment);
        return WriteAsync<AdjustStockOutcome>(async write =>
        {
            // Replicas deciding the same request id run one after the other; the second sees the first's record.
            await write.Session.Dialect.LockAsync(write.Session, AdjustmentKeyClass, adjustment.RequestId);
            if (await FindAdjustmentAsync(write.Session, adjustment.RequestId) is { } previous)
            {
                return previous.SameRequestAs(adjustment)
                    ? new AdjustStockOutcome.AlreadyApplied(await ItemQueries.RequireItemAsync(write.Session, adjustment.Sku))
                    : new AdjustStockOutcome.RequestIdReused();
            }

            // Holds past their TTL must not make a removal look short; this also locks the item.
            await ReservationSettlement.ExpireDueAsync(write, [adjustment.Sku], int.MaxValue, skipLocked: false);
            var item = await ItemQueries.FindItemAsync(write.Session, adjustment.Sku);
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

            // The primary key on request_id is the last line of defence against a second effect.
            await write.Session.ExecuteAsync("""
                INSERT INTO stock_adjustments (request_id, sku, delta, reason, create_time_ms)
                VALUES (@id, @sku, @delta, @reason, @now)
                """, new { id = adjustment.RequestId, sku = adjustment.Sku, delta = adjustment.Delta, reason = adjustment.Reason, now = write.NowMs });
            await write.Session.ExecuteAsync(
                "UPDATE items SET on_hand = @onHand, update_time_ms = @now WHERE sku = @sku",
                new { onHand, now = write.NowMs, sku = adjustment.Sku });
            var adjusted = await ItemQueries.RequireItemAsync(write.Session, adjustment.Sku);
            await write.AppendAsync(new ItemChange(ItemChangeKind.StockAdjusted, adjusted, Quantity: adjustment.Delta));
            return new AdjustStockOutcome.Applied(adjusted);
        }, cancellationToken);
    }

    private static async Task<ItemDefinition> CreatedDefinitionAsync(StoreSession session, string sku)
    {
        var row = await session.QuerySingleOrDefaultAsync<CreatedRow>(
            "SELECT created_name, created_currency_code, created_unit_price_minor, initial_quantity FROM items WHERE sku = @sku", new { sku })
            ?? throw new InvalidOperationException($"Item {sku} vanished inside its own transaction.");
        return new ItemDefinition(sku, row.CreatedName, row.CreatedCurrencyCode, row.CreatedUnitPriceMinor, row.InitialQuantity);
    }

    private static async Task<StockAdjustment?> FindAdjustmentAsync(StoreSession session, string requestId)
    {
        var row = await session.QuerySingleOrDefaultAsync<AdjustmentRow>(
            "SELECT request_id, sku, delta, reason FROM stock_adjustments WHERE request_id = @requestId", new { requestId });
        return row is null ? null : new StockAdjustment(row.RequestId, row.Sku, row.Delta, row.Reason);
    }

    private Task<T> WriteAsync<T>(Func<InventoryWrite, Task<T>> decide, CancellationToken cancellationToken) =>
        InventoryWrite.RunAsync(database, events, time, decide, cancellationToken);

    private sealed class CreatedRow
    {
        public string CreatedName { get; set; } = string.Empty;

        public string CreatedCurrencyCode { get; set; } = string.Empty;

        public long CreatedUnitPriceMinor { get; set; }

        public long InitialQuantity { get; set; }
    }

    private sealed class AdjustmentRow
    {
        public string RequestId { get; set; } = string.Empty;

        public string Sku { get; set; } = string.Empty;

        public long Delta { get; set; }

        public string Reason { get; set; } = string.Empty;
    }
}
