using Grpc.Core;
using Mesh.Common.V1;
using Mesh.Orders.V1;

namespace Mesh.Orders.Tests.Support;

/// <summary>An open WatchOrderEvents stream read with bounded waits: a message that never comes fails the test.</summary>
public sealed class OrderEventWatch : IDisposable
{
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(20));
    private readonly AsyncServerStreamingCall<WatchOrderEventsResponse> _call;

    public OrderEventWatch(OrderService.OrderServiceClient orders, WatchOrderEventsRequest request)
    {
        ArgumentNullException.ThrowIfNull(orders);
        _call = orders.WatchOrderEvents(request, cancellationToken: _timeout.Token);
    }

    public IAsyncStreamReader<WatchOrderEventsResponse> Stream => _call.ResponseStream;

    /// <summary>The next message, event or heartbeat.</summary>
    public async Task<WatchOrderEventsResponse> NextAsync()
    {
        Assert.True(await _call.ResponseStream.MoveNext(_timeout.Token), "the stream ended");
        return _call.ResponseStream.Current;
    }

    /// <summary>The next event, passing over heartbeats.</summary>
    public async Task<OrderEvent> NextEventAsync()
    {
        while (true)
        {
            var message = await NextAsync();
            if (message.KindCase == WatchOrderEventsResponse.KindOneofCase.Event)
            {
                return message.Event;
            }
        }
    }

    /// <summary>The events before the next heartbeat, and that heartbeat.</summary>
    public async Task<(IReadOnlyList<OrderEvent> Events, FeedHeartbeat Heartbeat)> UntilHeartbeatAsync()
    {
        var events = new List<OrderEvent>();
        while (true)
        {
            var message = await NextAsync();
            if (message.KindCase == WatchOrderEventsResponse.KindOneofCase.Heartbeat)
            {
                return (events, message.Heartbeat);
            }

            events.Add(message.Event);
        }
    }

    public void Dispose()
    {
        _call.Dispose();
        _timeout.Dispose();
    }
}
