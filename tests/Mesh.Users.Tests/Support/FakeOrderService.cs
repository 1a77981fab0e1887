using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Mesh.Common.V1;
using Mesh.Orders.V1;
using Mesh.ServiceDefaults.Errors;
using Mesh.ServiceDefaults.Feeds;
using Mesh.Storage;
using Microsoft.Extensions.Hosting;

namespace Mesh.Users.Tests.Support;

/// <summary>
/// ListOrderEvents and WatchOrderEvents over a <see cref="FakeOrderLog"/>, with the statuses
/// orders.proto promises: INVALID_ARGUMENT for a negative cursor or page size, OUT_OF_RANGE
/// (CURSOR_BEYOND_HEAD / CURSOR_EXPIRED) for a cursor outside the retained log, UNAVAILABLE
/// when a stream is ended or the server stops.
/// </summary>
public sealed class FakeOrderService(FakeOrderLog log, IHostApplicationLifetime lifetime) : OrderService.OrderServiceBase
{
    private const int StreamPageSize = 256;

    public override async Task<ListOrderEventsResponse> ListOrderEvents(ListOrderEventsRequest request, ServerCallContext context)
    {
        log.Requests.Enqueue($"List {request.AfterSequence}");
        if (request.PageSize < 0)
        {
            throw MeshErrors.InvalidArgument("page_size", "must not be negative");
        }

        await log.PageHold(request.AfterSequence).WaitAsync(context.CancellationToken);
        var head = CheckCursor(request.AfterSequence);
        var size = request.PageSize == 0 ? 100 : Math.Min(request.PageSize, 1000);
        var response = new ListOrderEventsResponse { HeadSequence = head };
        response.Events.AddRange(log.Read(request.AfterSequence, size).Where(e => e.Sequence <= head));
        return response;
    }

    public override async Task WatchOrderEvents(
        WatchOrderEventsRequest request, IServerStreamWriter<WatchOrderEventsResponse> responseStream, ServerCallContext context)
    {
        log.Requests.Enqueue($"Watch {request.AfterSequence}");
        CheckCursor(request.AfterSequence);
        var ended = log.StreamsEnded();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, lifetime.ApplicationStopping);
        var cursor = Math.Max(0, request.AfterSequence - log.WatchRedelivery);
        while (true)
        {
            var appended = log.NextAppend();
            var page = log.Read(cursor, StreamPageSize);
            foreach (var orderEvent in page)
            {
                await responseStream.WriteAsync(new WatchOrderEventsResponse { Event = orderEvent }, stop.Token);
                cursor = orderEvent.Sequence;
            }

            if (page.Count == StreamPageSize)
            {
                continue;
            }

            if (log.SendHeartbeats)
            {
                await responseStream.WriteAsync(
                    new WatchOrderEventsResponse { Heartbeat = new FeedHeartbeat { HeadSequence = cursor, SendTime = Timestamp.FromDateTime(DateTime.UtcNow) } },
                    stop.Token);
            }

            var woke = await Task.WhenAny(appended, ended, Task.Delay(log.HeartbeatInterval, stop.Token));
            if (woke == ended || stop.IsCancellationRequested)
            {
                throw new RpcException(new Status(StatusCode.Unavailable, $"orders is restarting; resume from after_sequence {cursor}"));
            }
        }
    }

    /// <summary>The head when <paramref name="afterSequence"/> is a cursor the log accepts; the feed's errors otherwise.</summary>
    private long CheckCursor(long afterSequence)
    {
        if (afterSequence < 0)
        {
            throw MeshErrors.InvalidArgument("after_sequence", "must not be negative");
        }

        var head = log.Head;
        if (afterSequence > head)
        {
            throw MeshErrors.OutOfRange(ErrorReason.CursorBeyondHead, "after_sequence", $"after_sequence {afterSequence} is beyond the head ({head})",
                EventLogCursor.ToMetadata(new EventLogPosition(head, log.PrunedThrough)));
        }

        if (afterSequence < log.PrunedThrough)
        {
            throw MeshErrors.OutOfRange(ErrorReason.CursorExpired, "after_sequence", $"after_sequence {afterSequence} is older than the retention period",
                EventLogCursor.ToMetadata(new EventLogPosition(head, log.PrunedThrough)));
        }

        return head;
    }
}
