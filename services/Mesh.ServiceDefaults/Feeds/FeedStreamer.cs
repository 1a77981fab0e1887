using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Mesh.Common.V1;
using Mesh.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Mesh.ServiceDefaults.Feeds;

/// <summary>
/// Serves one Watch stream from an event log: the stored backlog after the cursor, then live
/// events as commits wake it, each exactly once and in order. The stream never buffers more
/// than one page: it writes at the subscriber's pace (gRPC flow control), so a slow or stalled
/// subscriber holds only itself up. Idle streams get heartbeats; on shutdown the stream ends
/// with UNAVAILABLE so the client resumes elsewhere from its last sequence.
/// </summary>
public sealed class FeedStreamer(
    IOptions<FeedOptions> options, IHostApplicationLifetime lifetime, TimeProvider time, FeedServingMetrics? metrics = null)
{
    public async Task StreamAsync<TResponse>(
        IEventLog log,
        FeedSubscription subscription,
        Func<StoredEvent, TResponse> toResponse,
        Func<FeedHeartbeat, TResponse> toHeartbeat,
        IServerStreamWriter<TResponse> writer,
        ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(subscription);
        var settings = options.Value;
        var retiring = Hosting.ConnectionRetirement.Token(context);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, lifetime.ApplicationStopping, retiring);
        var position = await log.PositionAsync(stop.Token);
        var cursor = subscription.StartAtHead ? position.Head : subscription.AfterSequence;
        EventLogCursor.EnsureReadable(position, cursor);

        var heartbeatDue = DateTimeOffset.MinValue; // the first catch-up is announced at once
        using var subscribed = metrics?.Subscribe(log.Name);
        try
        {
            while (true)
            {
                // Taken before reading, so a commit after the read still wakes the wait below.
                var committed = log.NextChange();
                position = await log.PositionAsync(stop.Token);
                EventLogCursor.EnsureReadable(position, cursor);
                var page = await log.ReadAsync(cursor, position.Head, settings.PageSize, subscription.FilterKeys, stop.Token);
                foreach (var stored in page)
                {
                    await writer.WriteAsync(toResponse(stored), stop.Token);
                    cursor = stored.Sequence;
                }

                if (page.Count == settings.PageSize)
                {
                    continue; // more backlog
                }

                // Every matching event up to the head has been written.
                cursor = position.Head;
                var now = time.GetUtcNow();
                if (now >= heartbeatDue)
                {
                    await writer.WriteAsync(toHeartbeat(new FeedHeartbeat { HeadSequence = cursor, SendTime = Timestamp.FromDateTimeOffset(now) }), stop.Token);
                    heartbeatDue = now + settings.HeartbeatInterval;
                }

                // Wake on a commit, or at the next heartbeat (which also re-reads: a bounded poll).
                using (var idle = CancellationTokenSource.CreateLinkedTokenSource(stop.Token))
                {
                    await Task.WhenAny(committed, Task.Delay(heartbeatDue - now, time, idle.Token));
                    await idle.CancelAsync(); // drop the timer at once when a commit woke us
                }

                stop.Token.ThrowIfCancellationRequested();
            }
        }
        catch (OperationCanceledException) when (retiring.IsCancellationRequested
            && !lifetime.ApplicationStopping.IsCancellationRequested && !context.CancellationToken.IsCancellationRequested)
        {
            throw new RpcException(new Status(StatusCode.Unavailable,
                $"this connection is being retired (maximum age); resume from after_sequence {cursor} on a new one"));
        }
        catch (Exception exception) when (exception is not RpcException
            && lifetime.ApplicationStopping.IsCancellationRequested && !context.CancellationToken.IsCancellationRequested)
        {
            // Cancelled by the stop, or a read in flight found storage closing under it (a
            // PostgreSQL data source is disposed with the host): either way a shutdown, which
            // the client survives by resuming elsewhere.
            throw new RpcException(new Status(StatusCode.Unavailable,
                $"the server is shutting down; resume from after_sequence {cursor} on another replica"));
        }
    }
}
