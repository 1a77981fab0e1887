using Mesh.Orders.Domain;
using Mesh.Storage.Postgres;
using Npgsql;
using static Mesh.Orders.Storage.PostgresCommands;

namespace Mesh.Orders.Storage;

/// <summary>
/// <see cref="ICatalogCache"/> on PostgreSQL: one cache table and one cursor shared by every
/// replica, each of which runs the consumer. Every write transaction first locks the cursor row
/// (<see cref="PostgresConsumerCursors.LockAsync"/>), so replicas apply one after another and
/// each decides what to skip on the cursor the previous one committed: every event is applied
/// once, and an older event never overwrites a newer one.
/// </summary>
public sealed class PostgresCatalogCache(PostgresDatabase database, TimeProvider time) : ICatalogCache
{
    /// <inheritdoc />
    public Task<long> ApplyAsync(string consumer, IReadOnlyList<CachedItem> changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        return database.WriteAsync(async (connection, transaction) =>
        {
            var now = time.GetUtcNow();
            var cursor = await PostgresConsumerCursors.LockAsync(connection, transaction, consumer, now);
            foreach (var change in changes.Where(change => change.Sequence > cursor))
            {
                await UpsertAsync(connection, transaction, change);
            }

            var applied = changes.Select(change => change.Sequence).Append(cursor).Max();
            await PostgresConsumerCursors.SetAsync(connection, transaction, consumer, applied, now);
            return applied;
        });
    }

    /// <inheritdoc />
    public Task AdvanceAsync(string consumer, long head) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            var now = time.GetUtcNow();
            await PostgresConsumerCursors.LockAsync(connection, transaction, consumer, now);
            await PostgresConsumerCursors.SetAsync(connection, transaction, consumer, head, now);
            return true;
        });

    /// <inheritdoc />
    public Task ReplaceAsync(string consumer, IReadOnlyList<CachedItem> items, long head)
    {
        ArgumentNullException.ThrowIfNull(items);
        return database.WriteAsync(async (connection, transaction) =>
        {
            var now = time.GetUtcNow();
            // Locked first, so no replica applies events between the clear and the new cursor.
            await PostgresConsumerCursors.LockAsync(connection, transaction, consumer, now);
            await using (var clear = Create(connection, transaction, "DELETE FROM catalog_items;"))
            {
                await clear.ExecuteNonQueryAsync();
            }

            foreach (var item in items)
            {
                await UpsertAsync(connection, transaction, item);
            }

            // Reset, not Set: after inventory's log was replaced its new head may be below the old cursor.
            await PostgresConsumerCursors.ResetAsync(connection, transaction, consumer, head, now);
            return true;
        });
    }

    /// <inheritdoc />
    public Task<IReadOnlyDictionary<string, CachedItem>> FindAsync(IReadOnlyCollection<string> skus, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(skus);
        return database.ReadAsync<IReadOnlyDictionary<string, CachedItem>>(async connection =>
        {
            var found = new Dictionary<string, CachedItem>(StringComparer.Ordinal);
            if (skus.Count == 0)
            {
                return found;
            }

            await using var command = Create(connection, null, """
                SELECT sku, name, currency_code, unit_price_minor, available, reserved, sequence FROM catalog_items
                WHERE sku = ANY($1);
                """, Texts(skus));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var item = new CachedItem(
                    reader.GetString(0), reader.GetString(1), reader.GetString(2),
                    reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5), reader.GetInt64(6));
                found[item.Sku] = item;
            }

            return found;
        }, cancellationToken);
    }

    // A row is only replaced by a change with a higher sequence, so an event delivered twice
    // never overwrites a newer state.
    private static async Task UpsertAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CachedItem item)
    {
        await using var upsert = Create(connection, transaction, """
            INSERT INTO catalog_items (sku, name, currency_code, unit_price_minor, available, reserved, sequence)
            VALUES ($1, $2, $3, $4, $5, $6, $7)
            ON CONFLICT (sku) DO UPDATE SET
                name = excluded.name, currency_code = excluded.currency_code, unit_price_minor = excluded.unit_price_minor,
                available = excluded.available, reserved = excluded.reserved, sequence = excluded.sequence
            WHERE excluded.sequence > catalog_items.sequence;
            """,
            Text(item.Sku), Text(item.Name), Text(item.CurrencyCode),
            Int64(item.UnitPriceMinor), Int64(item.Available), Int64(item.Reserved), Int64(item.Sequence));
        await upsert.ExecuteNonQueryAsync();
    }
}
