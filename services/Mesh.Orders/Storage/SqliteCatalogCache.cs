using System.Globalization;
using Mesh.Orders.Domain;
using Mesh.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Mesh.Orders.Storage;

/// <summary>
/// <see cref="ICatalogCache"/> on SQLite, for one process: its writes are serialised, so the
/// cursor read at the start of a transaction is still the cursor when it commits.
/// </summary>
public sealed class SqliteCatalogCache(SqliteDatabase database, TimeProvider time) : ICatalogCache
{
    /// <inheritdoc />
    public Task<long> ApplyAsync(string consumer, IReadOnlyList<CachedItem> changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        return database.WriteAsync(async (connection, transaction) =>
        {
            var cursor = await SqliteConsumerCursors.GetAsync(connection, transaction, consumer);
            foreach (var change in changes.Where(change => change.Sequence > cursor))
            {
                await UpsertAsync(connection, transaction, change);
            }

            var applied = changes.Select(change => change.Sequence).Append(cursor).Max();
            await SqliteConsumerCursors.SetAsync(connection, transaction, consumer, applied, time.GetUtcNow());
            return applied;
        });
    }

    /// <inheritdoc />
    public Task AdvanceAsync(string consumer, long head) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            await SqliteConsumerCursors.SetAsync(connection, transaction, consumer, head, time.GetUtcNow());
            return true;
        });

    /// <inheritdoc />
    public Task ReplaceAsync(string consumer, IReadOnlyList<CachedItem> items, long head)
    {
        ArgumentNullException.ThrowIfNull(items);
        return database.WriteAsync(async (connection, transaction) =>
        {
            await using (var clear = Command(connection, transaction, "DELETE FROM catalog_items;"))
            {
                await clear.ExecuteNonQueryAsync();
            }

            foreach (var item in items)
            {
                await UpsertAsync(connection, transaction, item);
            }

            // Reset, not Set: after inventory's log was replaced its new head may be below the old cursor.
            await SqliteConsumerCursors.ResetAsync(connection, transaction, consumer, head, time.GetUtcNow());
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

            // The text depends only on how many skus, so the statement is prepared once per count.
            var names = skus.Select((_, index) => "$s" + index.ToString(CultureInfo.InvariantCulture)).ToList();
            await using var command = Command(connection, null, $"""
                SELECT sku, name, currency_code, unit_price_minor, available, reserved, sequence FROM catalog_items
                WHERE sku IN ({string.Join(", ", names)});
                """);
            var index = 0;
            foreach (var sku in skus)
            {
                command.Parameters.AddWithValue(names[index++], sku);
            }
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
    // (a replay after a reconnect) never overwrites a newer state.
    private static async Task UpsertAsync(SqliteConnection connection, SqliteTransaction transaction, CachedItem item)
    {
        await using var upsert = Command(connection, transaction, """
            INSERT INTO catalog_items (sku, name, currency_code, unit_price_minor, available, reserved, sequence)
            VALUES ($sku, $name, $currency, $price, $available, $reserved, $sequence)
            ON CONFLICT (sku) DO UPDATE SET
                name = excluded.name, currency_code = excluded.currency_code, unit_price_minor = excluded.unit_price_minor,
                available = excluded.available, reserved = excluded.reserved, sequence = excluded.sequence
            WHERE excluded.sequence > catalog_items.sequence;
            """);
        upsert.Parameters.AddWithValue("$sku", item.Sku);
        upsert.Parameters.AddWithValue("$name", item.Name);
        upsert.Parameters.AddWithValue("$currency", item.CurrencyCode);
        upsert.Parameters.AddWithValue("$price", item.UnitPriceMinor);
        upsert.Parameters.AddWithValue("$available", item.Available);
        upsert.Parameters.AddWithValue("$reserved", item.Reserved);
        upsert.Parameters.AddWithValue("$sequence", item.Sequence);
        await upsert.ExecuteNonQueryAsync();
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql) =>
        connection.Prepared(sql, transaction);
}
