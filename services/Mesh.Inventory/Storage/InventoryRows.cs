using Mesh.Inventory.Domain;

namespace Mesh.Inventory.Storage;

/// <summary>Conversions between column values and Domain values, the same for every storage provider.</summary>
internal static class InventoryRows
{
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
