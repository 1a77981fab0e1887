using Mesh.Orders.Domain;
using Mesh.Storage;

namespace Mesh.Orders.Storage;

/// <summary>
/// The local copy of inventory's catalog (table <c>catalog_items</c>) and the cursor of the feed
/// that fills it. Items and cursor always change in one transaction, so after a crash the cache
/// resumes exactly where its stored contents stop. Every replica runs the consumer; each write
/// first locks the cursor row (<see cref="ConsumerCursors.LockAsync"/>), so replicas apply one
/// after another and each decides what to skip on the cursor the previous one committed: every
/// event is applied once, and an older event never overwrites a newer one.
/// </summary>
public sealed class CatalogCacheStore(StoreDatabase database, TimeProvider time)
{
    // A row is only replaced by a change with a higher sequence, so an event delivered twice
    // (a replay after a reconnect) never overwrites a newer state.
    private const string Upsert = """
        INSERT INTO catalog_items (sku, name, currency_code, unit_price_minor, available, reserved, sequence)
        VALUES (@Sku, @Name, @CurrencyCode, @UnitPriceMinor, @Available, @Reserved, @Sequence)
        ON CONFLICT (sku) DO UPDATE SET
            name = excluded.name, currency_code = excluded.currency_code, unit_price_minor = excluded.unit_price_minor,
            available = excluded.available, reserved = excluded.reserved, sequence = excluded.sequence
        WHERE excluded.sequence > catalog_items.sequence;
        """;

    /// <summary>
    /// Writes the items of events newer than <paramref name="consumer"/>'s cursor and moves the
    /// cursor to the newest; returns the cursor afterwards. Events at or below the cursor were
    /// applied before (a replay after a reconnect, or by another replica) and are skipped.
    /// </summary>
    public Task<long> ApplyAsync(string consumer, IReadOnlyList<CachedItem> changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        return database.WriteAsync(async session =>
        {
            var now = time.GetUtcNow();
            var cursor = await ConsumerCursors.LockAsync(session, consumer, now);
            // One execution per item (Dapper runs a statement once per element of a list).
            await session.ExecuteAsync(Upsert, changes.Where(change => change.Sequence > cursor).ToList());
            var applied = changes.Select(change => change.Sequence).Append(cursor).Max();
            await ConsumerCursors.SetAsync(session, consumer, applied, now);
            return applied;
        }, CancellationToken.None);
    }

    /// <summary>Moves the cursor to <paramref name="head"/> when the feed says nothing up to it is missing; never backwards.</summary>
    public Task AdvanceAsync(string consumer, long head) =>
        database.WriteAsync(async session =>
        {
            var now = time.GetUtcNow();
            await ConsumerCursors.LockAsync(session, consumer, now);
            await ConsumerCursors.SetAsync(session, consumer, head, now);
            return true;
        }, CancellationToken.None);

    /// <summary>
    /// Replaces the whole cache with <paramref name="items"/>, a snapshot taken after the feed
    /// stood at <paramref name="head"/>, and sets the cursor to that head.
    /// </summary>
    public Task ReplaceAsync(string consumer, IReadOnlyList<CachedItem> items, long head)
    {
        ArgumentNullException.ThrowIfNull(items);
        return database.WriteAsync(async session =>
        {
            var now = time.GetUtcNow();
            // Locked first, so no replica applies events between the clear and the new cursor.
            await ConsumerCursors.LockAsync(session, consumer, now);
            await session.ExecuteAsync("DELETE FROM catalog_items;");
            await session.ExecuteAsync(Upsert, items);
            // Reset, not Set: after inventory's log was replaced its new head may be below the old cursor.
            await ConsumerCursors.ResetAsync(session, consumer, head, now);
            return true;
        }, CancellationToken.None);
    }

    /// <summary>The cached items among <paramref name="skus"/>, by sku; skus not cached are absent.</summary>
    public Task<IReadOnlyDictionary<string, CachedItem>> FindAsync(IReadOnlyCollection<string> skus, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(skus);
        return database.ReadAsync<IReadOnlyDictionary<string, CachedItem>>(async session =>
        {
            if (skus.Count == 0)
            {
                return new Dictionary<string, CachedItem>(StringComparer.Ordinal);
            }

            var rows = await session.QueryAsync<(string Sku, string Name, string CurrencyCode, long UnitPriceMinor, long Available, long Reserved, long Sequence)>($"""
                SELECT sku, name, currency_code, unit_price_minor, available, reserved, sequence FROM catalog_items
                WHERE {session.Dialect.InList("sku", "skus")};
                """, new { skus });
            return rows.ToDictionary(
                row => row.Sku,
                row => new CachedItem(row.Sku, row.Name, row.CurrencyCode, row.UnitPriceMinor, row.Available, row.Reserved, row.Sequence),
                StringComparer.Ordinal);
        }, cancellationToken);
    }
}
