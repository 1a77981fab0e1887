using System.Data.Common;
using Mesh.Orders.Domain;

namespace Mesh.Orders.Storage;

/// <summary>
/// How an order row and its lines read and write, the same in every provider (the column types
/// map alike: text, 64-bit integers, a blob), so the repositories cannot drift apart.
/// </summary>
internal static class OrderRows
{
    /// <summary>The columns <see cref="ReadOrder"/> reads, in its order.</summary>
    public const string Columns = """
        sequence, order_id, request_id, request_hash, user_id, state, currency_code, total_minor,
        reason, rejection_status, create_time_ms, update_time_ms
        """;

    /// <summary>The line columns <see cref="ReadLines"/> reads, in its order, after the order id.</summary>
    public const string LineColumns = "order_id, sku, quantity, name, unit_price_minor, line_total_minor";

    /// <summary>An order row without its lines (see <see cref="WithLines"/>).</summary>
    public static OrderRecord ReadOrder(DbDataReader reader) =>
        new(
            Sequence: reader.GetInt64(0),
            OrderId: reader.GetString(1),
            RequestId: reader.GetString(2),
            RequestHash: reader.GetString(3),
            UserId: reader.GetString(4),
            Status: ParseState(reader.GetString(5)),
            Lines: [],
            CurrencyCode: reader.IsDBNull(6) ? null : reader.GetString(6),
            TotalMinor: reader.IsDBNull(7) ? null : reader.GetInt64(7),
            Reason: reader.GetString(8),
            Rejection: reader.IsDBNull(9) ? null : Google.Rpc.Status.Parser.ParseFrom(reader.GetFieldValue<byte[]>(9)),
            CreateTime: DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(10)),
            UpdateTime: DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(11)));

    /// <summary>Every line <paramref name="reader"/> returns (selected as <see cref="LineColumns"/>), by order id, in line order.</summary>
    public static async Task<Dictionary<string, List<OrderLineRecord>>> ReadLinesAsync(DbDataReader reader)
    {
        var byOrder = new Dictionary<string, List<OrderLineRecord>>(StringComparer.Ordinal);
        while (await reader.ReadAsync())
        {
            var orderId = reader.GetString(0);
            if (!byOrder.TryGetValue(orderId, out var list))
            {
                list = [];
                byOrder[orderId] = list;
            }

            list.Add(new OrderLineRecord(
                reader.GetString(1),
                reader.GetInt64(2),
                reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetInt64(4),
                reader.IsDBNull(5) ? null : reader.GetInt64(5)));
        }

        return byOrder;
    }

    public static List<OrderRecord> WithLines(IEnumerable<OrderRecord> rows, Dictionary<string, List<OrderLineRecord>> lines) =>
        rows.Select(row => row with { Lines = lines.TryGetValue(row.OrderId, out var list) ? list : [] }).ToList();

    public static string StateText(OrderStatus status) => status switch
    {
        OrderStatus.Pending => "pending",
        OrderStatus.Confirmed => "confirmed",
        OrderStatus.Cancelled => "cancelled",
        OrderStatus.Rejected => "rejected",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "unknown order status"),
    };

    private static OrderStatus ParseState(string state) => state switch
    {
        "pending" => OrderStatus.Pending,
        "confirmed" => OrderStatus.Confirmed,
        "cancelled" => OrderStatus.Cancelled,
        "rejected" => OrderStatus.Rejected,
        _ => throw new InvalidOperationException($"unknown order state '{state}' in the database"),
    };
}
