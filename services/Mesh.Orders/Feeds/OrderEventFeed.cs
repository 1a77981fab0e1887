using Grpc.Core;
using Mesh.Orders.Domain;
using Mesh.Orders.V1;
using Mesh.ServiceDefaults.Feeds;
using Mesh.Storage;

namespace Mesh.Orders.Feeds;

/// <summary>
/// Serves the order event log, whichever provider stores it: page by page (ListOrderEvents)
/// and as a resumable stream (WatchOrderEvents). Both read storage only, so every replica on
/// shared storage serves every event.
/// </summary>
public sealed class OrderEventFeed(IEventLog log, FeedStreamer streamer)
{
    /// <summary>Events per ListOrderEvents page when the request says 0.</summary>
    public const int DefaultPageSize = 100;

    /// <summary>Largest ListOrderEvents page; bigger requests are trimmed to it.</summary>
    public const int MaxPageSize = 1000;

    public async Task<ListOrderEventsResponse> ListAsync(long afterSequence, int pageSize, CancellationToken cancellationToken)
    {
        var size = pageSize == 0 ? DefaultPageSize : Math.Min(pageSize, MaxPageSize);
        var position = await log.PositionAsync(cancellationToken);
        EventLogCursor.EnsureReadable(position, afterSequence);

        // Read up to the head seen above, so head_sequence never claims less than the page holds.
        var events = await log.ReadAsync(afterSequence, position.Head, size, [], cancellationToken);
        var response = new ListOrderEventsResponse { HeadSequence = position.Head };
        response.Events.AddRange(events.Select(OrderEvents.FromStored));
        return response;
    }

    public Task WatchAsync(WatchOrderEventsRequest request, IServerStreamWriter<WatchOrderEventsResponse> writer, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        // Events are filed under the user id as stored: lower-case.
        IReadOnlyCollection<string> users = request.UserId.Length == 0 ? [] : [CanonicalId.Of(request.UserId)];
        return streamer.StreamAsync(
            log,
            new FeedSubscription(request.AfterSequence, users),
            stored => new WatchOrderEventsResponse { Event = OrderEvents.FromStored(stored) },
            heartbeat => new WatchOrderEventsResponse { Heartbeat = heartbeat },
            writer,
            context);
    }
}
