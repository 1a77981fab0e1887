using Grpc.Core;
using Grpc.Net.ClientFactory;
using Mesh.Common.V1;
using Mesh.Orders.V1;
using Mesh.ServiceDefaults.Errors;
using Mesh.ServiceDefaults.Feeds;
using Mesh.ServiceDefaults.Telemetry;
using Mesh.Storage;
using Mesh.Users.Domain;
using Mesh.Users.Storage;
using Microsoft.Extensions.Options;

namespace Mesh.Users.Feeds;

/// <summary>
/// Keeps the per-user order statistics from the orders event log: reads the stored cursor,
/// catches up with ListOrderEvents pages until one comes back empty, then follows
/// WatchOrderEvents from the cursor. Each page, and each burst of events that arrived together
/// on the stream, is applied in one transaction together with the cursor, so a crash or
/// restart neither loses nor double-counts an event. Failures are retried by
/// <see cref="FeedConsumer"/> with capped exponential backoff and jitter; the service keeps
/// serving meanwhile (readiness never depends on orders). On PostgreSQL every replica runs it;
/// the store serialises them on the shared cursor, so each event still counts once.
/// </summary>
/// <remarks>
/// A cursor the orders log no longer retains (OUT_OF_RANGE, CURSOR_EXPIRED) cannot be repaired:
/// the deleted events are gone. The consumer then logs an error, counts the skipped events
/// (<see cref="OrderStatsMetrics"/>), moves its cursor to where the retained log begins and
/// carries on from there, so the statistics stay as complete as the log still allows.
/// A cursor beyond the orders head (CURSOR_BEYOND_HEAD: the orders database was replaced) is
/// logged as an error and retried; the statistics are left as they are rather than guessed at.
/// </remarks>
public sealed class OrderStatsConsumer(
    IConfiguration configuration,
    GrpcClientFactory clients,
    IConsumerCursors cursors,
    OrderStatsStore stats,
    OrderStatsMetrics statsMetrics,
    IOptions<FeedOptions> feedOptions,
    TimeProvider time,
    FeedConsumerMetrics metrics,
    ILogger<OrderStatsConsumer> logger) : FeedConsumer(OrderStatsStore.CursorName, metrics, logger)
{
    /// <summary>Where orders is reached; without it the statistics are not kept.</summary>
    public const string AddressKey = "Mesh:Services:Orders:Address";

    /// <summary>Events asked for per ListOrderEvents page while catching up.</summary>
    public const int CatchUpPageSize = 500;

    /// <summary>Most stream events applied in one transaction.</summary>
    public const int MaxBurst = 500;

    private readonly ILogger<OrderStatsConsumer> _logger = logger;

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (string.IsNullOrWhiteSpace(configuration[AddressKey]))
        {
            // Users must run without orders (alone, or before orders exists); its own calls do not need it.
            _logger.LogWarning("{Setting} is not set: order statistics are not kept and GetUser returns them as stored", AddressKey);
            return Task.CompletedTask;
        }

        return base.ExecuteAsync(stoppingToken);
    }

    protected override async Task FollowAsync(CancellationToken cancellationToken)
    {
        var client = clients.CreateClient<OrderService.OrderServiceClient>(nameof(OrderService.OrderServiceClient));
        try
        {
            var cursor = await CatchUpAsync(client, await cursors.GetAsync(Name, cancellationToken), cancellationToken);
            await FollowStreamAsync(client, cursor, cancellationToken);
        }
        catch (RpcException exception) when (exception.StatusCode == StatusCode.Cancelled && cancellationToken.IsCancellationRequested)
        {
            // The process is stopping: end the way FeedConsumer expects a stop to end, not as a failure.
            throw new OperationCanceledException("the order statistics consumer is stopping", exception, cancellationToken);
        }
        catch (RpcException exception) when (IsOutOfRange(exception, ErrorReason.CursorExpired))
        {
            await SkipDeletedEventsAsync(exception, cancellationToken);
        }
        catch (RpcException exception) when (IsOutOfRange(exception, ErrorReason.CursorBeyondHead))
        {
            _logger.LogError(
                "The orders event log is behind this consumer's cursor (was the orders database replaced?); order statistics stay as they are: {Detail}",
                exception.Status.Detail);
            throw;
        }
    }

    private async Task<long> CatchUpAsync(OrderService.OrderServiceClient client, long cursor, CancellationToken cancellationToken)
    {
        while (true)
        {
            var page = await client.ListOrderEventsAsync(
                new ListOrderEventsRequest { AfterSequence = cursor, PageSize = CatchUpPageSize }, cancellationToken: cancellationToken);
            if (page.Events.Count == 0)
            {
                ReportPosition(cursor, page.HeadSequence, caughtUp: true);
                return cursor;
            }

            cursor = await ApplyAsync(page.Events, cancellationToken);
            ReportPosition(cursor, page.HeadSequence, caughtUp: false);
        }
    }

    private async Task FollowStreamAsync(OrderService.OrderServiceClient client, long cursor, CancellationToken cancellationToken)
    {
        // The feed sends a heartbeat at least every interval; three silent intervals mean the
        // stream is gone even if the connection looks open (a hung peer, a dropped NAT entry).
        var stallTimeout = feedOptions.Value.HeartbeatInterval * 3;
        using var stall = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        stall.CancelAfter(stallTimeout);
        using var call = client.WatchOrderEvents(new WatchOrderEventsRequest { AfterSequence = cursor }, cancellationToken: stall.Token);
        var stream = call.ResponseStream;
        var head = cursor;
        var burst = new List<OrderEvent>();
        Task<bool>? next = null;
        try
        {
            next = stream.MoveNext(stall.Token);
            while (await next)
            {
                stall.CancelAfter(stallTimeout);
                var message = stream.Current;
                // Read ahead: a next message that is already here belongs to the same burst.
                next = stream.MoveNext(stall.Token);
                if (message.KindCase == WatchOrderEventsResponse.KindOneofCase.Event)
                {
                    burst.Add(message.Event);
                    if (burst.Count < MaxBurst && next.IsCompletedSuccessfully && next.Result)
                    {
                        continue;
                    }
                }

                if (burst.Count > 0)
                {
                    cursor = await ApplyAsync(burst, cancellationToken);
                    burst.Clear();
                    stall.CancelAfter(stallTimeout); // time spent writing is not the stream's silence
                }

                // A heartbeat means every event up to its head has been delivered (and, above, applied).
                var heartbeat = message.KindCase == WatchOrderEventsResponse.KindOneofCase.Heartbeat;
                head = Math.Max(Math.Max(head, cursor), heartbeat ? message.Heartbeat.HeadSequence : 0);
                ReportPosition(cursor, head, caughtUp: heartbeat || cursor >= head);
            }
        }
        catch (Exception exception) when ((exception is RpcException or OperationCanceledException)
                                          && stall.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new RpcException(new Status(StatusCode.DeadlineExceeded,
                $"the order event stream sent nothing for {stallTimeout}; reconnecting from after_sequence {cursor}"));
        }
        finally
        {
            if (next is { IsCompleted: false })
            {
                // Leaving early (failure or shutdown) with a read-ahead pending: end the call and
                // let that read finish, so its outcome (now irrelevant) is observed, not left dangling.
                call.Dispose();
                await ((Task)next).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private Task<long> ApplyAsync(IReadOnlyCollection<OrderEvent> events, CancellationToken cancellationToken) =>
        EventTrace.ProcessAsync("process orders events", "mesh.feed", "orders", events.Select(e => e.TraceParent).ToList(),
            () => stats.ApplyAsync(events.Select(OrderStatsRules.ChangeOf).ToList(), time.GetUtcNow(), cancellationToken));

    private async Task SkipDeletedEventsAsync(RpcException expired, CancellationToken cancellationToken)
    {
        // The error says where the retained log begins: the last sequence retention deleted.
        var retainedFrom = EventLogCursor.PositionFrom(expired)?.PrunedThrough
            ?? throw new InvalidOperationException("The orders feed reported an expired cursor without its position.", expired);
        var cursor = await cursors.GetAsync(Name, cancellationToken);
        await stats.SkipToAsync(retainedFrom, time.GetUtcNow(), cancellationToken);
        statsMetrics.RecordSkipped(retainedFrom - cursor);
        _logger.LogError(
            "Order events {FirstSkipped} to {LastSkipped} were deleted by the orders service's retention before they were read; " +
            "order statistics miss them. Resuming after {Cursor}",
            cursor + 1, retainedFrom, retainedFrom);
    }

    private static bool IsOutOfRange(RpcException exception, ErrorReason reason) =>
        exception.StatusCode == StatusCode.OutOfRange && MeshErrors.ReasonOf(exception) == reason;
}
