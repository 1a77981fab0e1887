using Mesh.Inventory.Domain;
using Npgsql;
using static Mesh.Inventory.Storage.Postgres.PostgresSql;

namespace Mesh.Inventory.Storage.Postgres;

/// <summary>The inventory reads, plain (a READ COMMITTED statement snapshot) or inside a write.</summary>
internal static class PostgresInventoryQueries
{
    public static async Task<ItemRecord?> FindItemAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, string sku, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction,
            $"SELECT {InventoryRows.ItemColumns} FROM items WHERE sku = $1", Value(sku));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? InventoryRows.ReadItem(reader) : null;
    }

    public static async Task<ItemRecord> RequireItemAsync(PostgresInventoryWrite write, string sku) =>
        await FindItemAsync(write.Connection, write.Transaction, sku, CancellationToken.None)
        ?? throw new InvalidOperationException($"Item '{sku}' vanished inside a transaction.");

    /// <summary>
    /// The items among <paramref name="skus"/>, keyed by sku. With <paramref name="lockRows"/>
    /// they are locked FOR UPDATE in sku order, the one order every writer locks items in, so
    /// two writers needing the same items queue up instead of deadlocking.
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, ItemRecord>> FindItemsAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction? transaction,
        IEnumerable<string> skus,
        CancellationToken cancellationToken,
        bool lockRows = false)
    {
        var items = new Dictionary<string, ItemRecord>(StringComparer.Ordinal);
        string[] distinct = [.. skus.Distinct(StringComparer.Ordinal)];
        if (distinct.Length == 0)
        {
            return items;
        }

        var locking = lockRows ? " ORDER BY sku FOR UPDATE" : string.Empty;
        await using var command = Command(connection, transaction,
            $"SELECT {InventoryRows.ItemColumns} FROM items WHERE sku = ANY($1){locking}", Value(distinct));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var item = InventoryRows.ReadItem(reader);
            items[item.Sku] = item;
        }

        return items;
    }

    public static async Task<ItemDefinition> CreatedDefinitionAsync(PostgresInventoryWrite write, string sku)
    {
        await using var command = write.Command("""
            SELECT created_name, created_currency_code, created_unit_price_minor, initial_quantity FROM items WHERE sku = $1
            """, Value(sku));
        await using var reader = await command.ExecuteReaderAsync();
        if (!await reader.ReadAsync())
        {
            throw new InvalidOperationException($"Item {sku} vanished inside its own transaction.");
        }

        return new ItemDefinition(sku, reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetInt64(3));
    }

    public static async Task<StockAdjustment?> FindAdjustmentAsync(PostgresInventoryWrite write, string requestId)
    {
        await using var command = write.Command(
            "SELECT request_id, sku, delta, reason FROM stock_adjustments WHERE request_id = $1", Value(requestId));
        await using var reader = await command.ExecuteReaderAsync();
        return await reader.ReadAsync()
            ? new StockAdjustment(reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetString(3))
            : null;
    }

    /// <summary>The reservation; with <paramref name="lockRow"/> its row is locked FOR UPDATE first (waiting for any other writer of it).</summary>
    public static async Task<ReservationRecord?> FindReservationAsync(PostgresInventoryWrite write, string reservationId, bool lockRow = false)
    {
        string state;
        long expireMs;
        long createMs;
        await using (var header = write.Command(
            "SELECT state, expire_time_ms, create_time_ms FROM reservations WHERE reservation_id = $1" + (lockRow ? " FOR UPDATE" : string.Empty),
            Value(reservationId)))
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

        var lines = await FindLinesAsync(write, reservationId);
        return new ReservationRecord(reservationId, lines, InventoryRows.ParseStatus(state), InventoryRows.FromMs(expireMs), InventoryRows.FromMs(createMs));
    }

    public static async Task<ReservationRecord> RequireReservationAsync(PostgresInventoryWrite write, string reservationId) =>
        await FindReservationAsync(write, reservationId)
        ?? throw new InvalidOperationException($"Reservation '{reservationId}' vanished inside a transaction.");

    public static async Task<IReadOnlyList<ReservationLineRecord>> FindLinesAsync(PostgresInventoryWrite write, string reservationId)
    {
        var lines = new List<ReservationLineRecord>();
        await using var query = write.Command(
            "SELECT sku, quantity FROM reservation_lines WHERE reservation_id = $1 ORDER BY line_index", Value(reservationId));
        await using var reader = await query.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            lines.Add(new ReservationLineRecord(reader.GetString(0), reader.GetInt64(1)));
        }

        return lines;
    }
}
