using Google.Protobuf.WellKnownTypes;
using Mesh.Common.V1;
using Mesh.Orders.Domain;
using Mesh.Orders.V1;

namespace Mesh.Orders.Api;

/// <summary>Between mesh.orders.v1 messages and the domain.</summary>
public static class OrderMapper
{
    public static PlaceOrderCommand ToCommand(PlaceOrderRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return PlaceOrderCommand.Create(
            request.RequestId,
            request.UserId,
            request.Lines.Select(line => new RequestedLine(line.Sku, line.Quantity)).ToList());
    }

    public static Order ToProto(OrderRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var order = new Order
        {
            OrderId = record.OrderId,
            UserId = record.UserId,
            State = ToProto(record.Status),
            RequestId = record.RequestId,
            Reason = record.Reason,
            CreateTime = Timestamp.FromDateTimeOffset(record.CreateTime),
            UpdateTime = Timestamp.FromDateTimeOffset(record.UpdateTime),
        };
        order.Lines.AddRange(record.Lines.Select(line => ToProto(line, record.CurrencyCode)));
        if (record.CurrencyCode is not null && record.TotalMinor is { } total)
        {
            order.Total = Money(record.CurrencyCode, total);
        }

        return order;
    }

    private static OrderLine ToProto(OrderLineRecord line, string? currency)
    {
        var proto = new OrderLine { Sku = line.Sku, Name = line.Name ?? string.Empty, Quantity = line.Quantity };
        if (currency is not null && line.UnitPriceMinor is { } unit && line.LineTotalMinor is { } lineTotal)
        {
            proto.UnitPrice = Money(currency, unit);
            proto.LineTotal = Money(currency, lineTotal);
        }

        return proto;
    }

    private static OrderState ToProto(OrderStatus status) => status switch
    {
        OrderStatus.Pending => OrderState.Pending,
        OrderStatus.Confirmed => OrderState.Confirmed,
        OrderStatus.Cancelled => OrderState.Cancelled,
        OrderStatus.Rejected => OrderState.Rejected,
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "unknown order status"),
    };

    private static Money Money(string currency, long amountMinor) => new() { CurrencyCode = currency, AmountMinor = amountMinor };
}
