using Mesh.Inventory.Domain;
using Mesh.Storage;

namespace Mesh.Inventory.Storage;

/// <summary>Reads of <c>items</c>, plain or inside a write, shared by the stores.</summary>
internal static class ItemQueries
{
    public static async Task<ItemRecord?> FindItemAsync(StoreSession session, string sku)
    {
        var row = await session.QuerySingleOrDefaultAsync<ItemRow>($"SELECT {ItemRow.Columns} FROM items WHERE sku = @sku", new { sku });
        return row?.ToRecord();
    }

    public static async Task<ItemRecord> RequireItemAsync(StoreSession session, string sku) =>
        await FindItemAsync(session, sku) ?? throw new InvalidOperationException($"Item '{sku}' vanished inside a transaction.");

    /// <summary>
    /// The items among <paramref name="skus"/>, keyed by sku. With <paramref name="lockRows"/>
    /// they are locked (on PostgreSQL) in sku order, the one order every writer locks items in,
    /// so two writers needing the same items queue up instead of deadlocking.
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, ItemRecord>> FindItemsAsync(
        StoreSession session, IEnumerable<string> skus, bool lockRows = false)
    {
        var items = new Dictionary<string, ItemRecord>(StringComparer.Ordinal);
        string[] distinct = [.. skus.Distinct(StringComparer.Ordinal)];
        if (distinct.Length == 0)
        {
            return items;
        }

        var locking = lockRows ? $"ORDER BY sku {session.Dialect.ForUpdate}" : string.Empty;
        var rows = await session.QueryAsync<ItemRow>(
            $"SELECT {ItemRow.Columns} FROM items WHERE {session.Dialect.InList("sku", "skus")} {locking}", new { skus = distinct });
        foreach (var row in rows)
        {
            items[row.Sku] = row.ToRecord();
        }

        return items;
    }

    /// <summary>
    /// Locks the items of <paramref name="skus"/> in sku order, in one statement; where the dialect
    /// has no row locks (SQLite's single writer) the statement would lock nothing, so it is skipped.
    /// </summary>
    public static Task LockItemsAsync(StoreSession session, IEnumerable<string> skus) =>
        session.Dialect.ForUpdate.Length == 0 ? Task.CompletedTask : FindItemsAsync(session, skus, lockRows: true);
}
