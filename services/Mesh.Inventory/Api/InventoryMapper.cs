using Google.Protobuf.Collections;
using Google.Protobuf.WellKnownTypes;
using Mesh.Common.V1;
using Mesh.Inventory.Domain;
using Mesh.Inventory.V1;

namespace Mesh.Inventory.Api;

/// <summary>Maps Domain records to and from the inventory.proto messages.</summary>
internal static class InventoryMapper
{
    public static Item ToProto(ItemRecord item) => new()
    {
        Sku = item.Sku,
        Name = item.Name,
        UnitPrice = new Money { CurrencyCode = item.CurrencyCode, AmountMinor = item.UnitPriceMinor },
        AvailableQuantity = item.Available,
        ReservedQuantity = item.Reserved,
        CreateTime = Timestamp.FromDateTimeOffset(item.CreateTime),
        UpdateTime = Timestamp.FromDateTimeOffset(item.UpdateTime),
    };

    public static Reservation ToProto(ReservationRecord reservation)
    {
        var proto = new Reservation
        {
            ReservationId = reservation.ReservationId,
            State = ToProto(reservation.Status),
            ExpireTime = Timestamp.FromDateTimeOffset(reservation.ExpireTime),
            CreateTime = Timestamp.FromDateTimeOffset(reservation.CreateTime),
        };
        proto.Lines.AddRange(reservation.Lines.Select(line => new ReservationLine { Sku = line.Sku, Quantity = line.Quantity }));
        return proto;
    }

    public static ReservationState ToProto(ReservationStatus status) => status switch
    {
        ReservationStatus.Held => ReservationState.Held,
        ReservationStatus.Committed => ReservationState.Committed,
        ReservationStatus.Released => ReservationState.Released,
        ReservationStatus.Expired => ReservationState.Expired,
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "unknown reservation status"),
    };

    public static IReadOnlyList<ReservationLineRecord> ToRecords(RepeatedField<ReservationLine> lines) =>
        lines.Select(line => new ReservationLineRecord(line.Sku, line.Quantity)).ToList();
}
