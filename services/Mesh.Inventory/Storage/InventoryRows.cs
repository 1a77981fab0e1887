using System.Data.Common;
using Mesh.Inventory.Domain;

namespace Mesh.Inventory.Storage;

/// <summary>Conversions between table rows and Domain records, the same for every storage provider.</summary>
internal static class InventoryRows
{
    /// <summary>The items columns in the order <see cref="ReadItem"/> reads them.</summary>
    public const string ItemColumns =
        "sku, name, currency_code, unit_price_minor, initial_quantity, on_hand, reserved, create_time_ms, update_time_ms";

    public static ItemRecord ReadItem(DbDataReader reader) => new(
        Sku: reader.GetString(0),
        Name: reader.GetString(1),
        CurrencyCode: reader.GetString(2),
        UnitPriceMinor: reader.GetInt64(3),
        InitialQuantity: reader.GetInt64(4),
        OnHand: reader.GetInt64(5),
        Reserved: reader.GetInt64(6),
        CreateTime: FromMs(reader.GetInt64(7)),
        UpdateTime: FromMs(reader.GetInt64(8)));

    public static string ToColumn(ReservationStatus status) => status switch
    {
        ReservationStatus.Held => "HELD",
        ReservationStatus.Committed => "COMMITTED",
        ReservationStatus.Released => "RELEASED",
        ReservationStatus.Expired => "EXPIRED",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "unknown reservation status"),
    };

    public static ReservationStatus ParseStatus(string column) => column switch
    {
        "HELD" => ReservationStatus.Held,
        "COMMITTED" => ReservationStatus.Committed,
        "RELEASED" => ReservationStatus.Released,
        "EXPIRED" => ReservationStatus.Expired,
        _ => throw new InvalidOperationException($"Stored reservation state '{column}' is unknown."),
    };

    public static DateTimeOffset FromMs(long unixMilliseconds) => DateTimeOffset.FromUnixTimeMilliseconds(unixMilliseconds);

    public static long ToMs(DateTimeOffset time) => time.ToUnixTimeMilliseconds();
}
