using Grpc.Core;
using Mesh.Orders.Domain;
using Mesh.Orders.Feeds;
using Mesh.Orders.Storage;
using Mesh.Orders.V1;
using Mesh.ServiceDefaults.Errors;
using Mesh.ServiceDefaults.Security;
using Mesh.ServiceDefaults.Validation;

namespace Mesh.Orders.Api;

/// <summary>
/// mesh.orders.v1.OrderService. Requests arrive validated (see the *RequestValidator classes);
/// PlaceOrder and CancelOrder hand over to their domain workflows, reads go to the store,
/// the event log methods to <see cref="OrderEventFeed"/>.
/// </summary>
public sealed class OrderGrpcService(
    PlaceOrderSaga saga,
    OrderCanceller canceller,
    OrderStore store,
    OrderEventFeed events) : OrderService.OrderServiceBase
{
    public override async Task<PlaceOrderResponse> PlaceOrder(PlaceOrderRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var order = await saga.PlaceAsync(OrderMapper.ToCommand(request), context.CancellationToken);
        return new PlaceOrderResponse { Order = OrderMapper.ToProto(order) };
    }

    public override async Task<GetOrderResponse> GetOrder(GetOrderRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var order = await store.FindAsync(CanonicalId.Of(request.OrderId), context.CancellationToken);
        // Someone else's order looks exactly like a missing one, so order ids cannot be probed.
        if (order is null || !context.Caller().Owns(order.UserId))
        {
            throw MeshErrors.NotFound("order", request.OrderId, "order_id");
        }

        return new GetOrderResponse { Order = OrderMapper.ToProto(order) };
    }

    public override async Task<ListOrdersResponse> ListOrders(ListOrdersRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var userId = CanonicalId.Of(request.UserId);
        var before = OrderPageTokens.Decode(request.Page?.PageToken, userId);
        var size = FieldRules.PageSize(request.Page);

        // One extra row tells whether another page follows.
        var orders = await store.ListByUserAsync(userId, before, size + 1, context.CancellationToken);
        var response = new ListOrdersResponse();
        response.Orders.AddRange(orders.Take(size).Select(OrderMapper.ToProto));
        if (orders.Count > size)
        {
            response.NextPageToken = OrderPageTokens.Encode(userId, orders[size - 1].Sequence);
        }

        return response;
    }

    public override async Task<CancelOrderResponse> CancelOrder(CancelOrderRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var order = await canceller.CancelAsync(CanonicalId.Of(request.OrderId), FieldRules.Normalize(request.Reason), context.Caller().Owns, context.CancellationToken);
        return new CancelOrderResponse { Order = OrderMapper.ToProto(order) };
    }

    public override Task<ListOrderEventsResponse> ListOrderEvents(ListOrderEventsRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        return events.ListAsync(request.AfterSequence, request.PageSize, context.CancellationToken);
    }

    public override Task WatchOrderEvents(
        WatchOrderEventsRequest request, IServerStreamWriter<WatchOrderEventsResponse> responseStream, ServerCallContext context) =>
        events.WatchAsync(request, responseStream, context);
}
