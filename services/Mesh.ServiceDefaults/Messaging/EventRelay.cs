using System.Diagnostics;
using Mesh.ServiceDefaults.Feeds;
using Mesh.ServiceDefaults.Health;
using Mesh.ServiceDefaults.Telemetry;
using Mesh.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;

namespace Mesh.ServiceDefaults.Messaging;

/// <summary>
/// The outbox relay of one event log: publishes every committed event, in log order and none
/// skipped, to the topic exchange, as persistent messages with publisher confirms, a batch at a
/// time (pipelined, one wait per batch), and moves its checkpoint only after the broker confirmed
/// the whole batch — at least once, in order. The checkpoint is stored at most every
/// <see cref="MessagingOptions.CheckpointInterval"/>, and at the end of that interval when the relay
/// has caught up; a crash republishes what was confirmed since, under the same message ids, which
/// consumers' inboxes pass over.
/// </summary>
/// <remarks>
/// Only the replica holding the log's lease relays. With the broker down the service keeps
/// serving and committing; events wait in the log and the relay retries with capped backoff,
/// then catches up. Readiness never depends on the broker: the health name "relay" and the
/// <see cref="MessagingMetrics"/> show it instead.
/// </remarks>
public sealed class EventRelay(
    RelayedLog relayed,
    IEventLog log,
    StoreDatabase database,
    IRelayLease lease,
    BrokerConnection broker,
    IOptions<MessagingOptions> options,
    MessagingMetrics metrics,
    HealthStatusBoard health,
    TimeProvider time,
    ILogger<EventRelay> logger) : BackgroundService
{
    // How often a caught-up relay confirms its lease and channel while the log is quiet.
    private static readonly TimeSpan IdleCheckInterval = TimeSpan.FromSeconds(5);

    private readonly RetryBackoff _backoff = new(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(30));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        health.SetIndependent(HealthNames.Relay, serving: false);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var leadership = await lease.AcquireAsync(relayed.LogName, stoppingToken);
                await RelayWhileLeaderAsync(leadership, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception exception)
            {
                Report(active: false);
                logger.LogWarning("Relay of the {Log} log stopped: {Error}; retrying", relayed.LogName, exception.Message);
            }

            try
            {
                await Task.Delay(_backoff.Next(), stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        Report(active: false);
    }

    private async Task RelayWhileLeaderAsync(IRelayLeadership leadership, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var connection = await broker.GetAsync(cancellationToken);
        // Room for four batches in flight: the library's throttle never delays a publish, so
        // frames leave in the order the loop below sends them.
        await using var channel = await connection.CreateChannelAsync(
            new CreateChannelOptions(
                publisherConfirmationsEnabled: true,
                publisherConfirmationTrackingEnabled: true,
                outstandingPublisherConfirmationsRateLimiter: new ThrottlingRateLimiter(settings.PublishBatchSize * 4)),
            cancellationToken);
        await BrokerTopology.DeclareEventExchangeAsync(channel, settings, cancellationToken);

        var checkpoint = await database.ReadAsync(session => ConsumerCursors.GetAsync(session, relayed.CheckpointName), cancellationToken);
        // Stored at most every CheckpointInterval (each store is a write the service's own writes
        // queue behind), and once the relay caught up and that interval is over.
        var (stored, lastStored) = (checkpoint, Stopwatch.GetTimestamp());

        // Stores the confirmed position when the interval since the last store is over; else the time left.
        async Task<TimeSpan> StoreWhenDueAsync()
        {
            var left = settings.CheckpointInterval - Stopwatch.GetElapsedTime(lastStored);
            if (left > TimeSpan.Zero)
            {
                return left;
            }

            await StoreCheckpointAsync(checkpoint, cancellationToken);
            (stored, lastStored) = (checkpoint, Stopwatch.GetTimestamp());
            return TimeSpan.Zero;
        }

        Report(active: true);
        logger.LogInformation("Relaying the {Log} log to exchange {Exchange} from after event {Checkpoint}", relayed.LogName, settings.Exchange, checkpoint);

        try
        {
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var changed = log.NextChange(); // taken before reading, so a commit in between still wakes us
                var position = await log.PositionAsync(cancellationToken);
                if (position.PrunedThrough > checkpoint)
                {
                    checkpoint = await SkipDeletedAsync(checkpoint, position.PrunedThrough, cancellationToken);
                }

                if (position.Head <= checkpoint)
                {
                    // Caught up. Under load that is after nearly every commit, so the confirmed
                    // position is stored at the same pace as while events flow: once the interval
                    // since the last store is over, or when the log stays quiet until then.
                    var left = stored < checkpoint ? await StoreWhenDueAsync() : TimeSpan.Zero;
                    var wait = left > TimeSpan.Zero ? left : IdleCheckInterval;

                    metrics.ReportPosition(relayed.LogName, checkpoint, position.Head, null, time.GetUtcNow());
                    await Task.WhenAny(changed, Task.Delay(wait, cancellationToken));
                    await leadership.ConfirmHeldAsync(cancellationToken);
                    if (channel.IsClosed)
                    {
                        throw new InvalidOperationException($"the broker closed the channel: {channel.CloseReason?.ReplyText}");
                    }

                    continue;
                }

                var events = await log.ReadAsync(checkpoint, position.Head, settings.PublishBatchSize, [], cancellationToken);
                if (events.Count == 0)
                {
                    continue;
                }

                metrics.ReportPosition(relayed.LogName, checkpoint, position.Head, events[0].OccurTime, time.GetUtcNow());
                await leadership.ConfirmHeldAsync(cancellationToken);
                await PublishAsync(channel, events, settings.Exchange, cancellationToken);
                checkpoint = events[^1].Sequence;
                await StoreWhenDueAsync();

                _backoff.Reset();
            }
        }
        finally
        {
            if (stored < checkpoint)
            {
                // Stopping or failing: keep what the broker confirmed, so a restart republishes less.
                await StoreCheckpointQuietlyAsync(checkpoint);
            }
        }
    }

    private async Task PublishAsync(IChannel channel, IReadOnlyList<StoredEvent> events, string exchange, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var confirms = new List<Task>(events.Count);
        try
        {
            foreach (var stored in events)
            {
                var message = relayed.ToMessage(stored);
                var properties = new BasicProperties
                {
                    Persistent = true,
                    MessageId = message.MessageId,
                    Type = relayed.EventType.FullName,
                    ContentType = "application/x-protobuf",
                    Timestamp = new AmqpTimestamp(message.OccurTime.ToUnixTimeSeconds()),
                    AppId = relayed.LogName,
                    Headers = new Dictionary<string, object?>
                    {
                        [relayed.FilterKeyHeader] = message.FilterKey,
                        ["mesh-log"] = relayed.LogName,
                        ["mesh-sequence"] = message.Sequence,
                    },
                };
                if (message.TraceParent.Length > 0)
                {
                    // The standard header, so any consumer's tracing continues the trace that made the change.
                    properties.Headers[EventTrace.Header] = message.TraceParent;
                }

                confirms.Add(channel.BasicPublishAsync(exchange, message.RoutingKey, mandatory: false, properties, message.Body, cancellationToken).AsTask());
            }
        }
        finally
        {
            // Whatever happens, every publish started is observed (a nack or a closed channel throws here).
            await Task.WhenAll(confirms);
        }

        metrics.RecordPublished(relayed.LogName, events.Count, Stopwatch.GetElapsedTime(started));
    }

    private async Task<long> SkipDeletedAsync(long checkpoint, long prunedThrough, CancellationToken cancellationToken)
    {
        logger.LogError(
            "Events {FirstSkipped} to {LastSkipped} of the {Log} log were deleted by retention before they were relayed; the broker never gets them",
            checkpoint + 1, prunedThrough, relayed.LogName);
        metrics.RecordSkipped(relayed.LogName, prunedThrough - checkpoint);
        await StoreCheckpointAsync(prunedThrough, cancellationToken);
        return prunedThrough;
    }

    private async Task StoreCheckpointQuietlyAsync(long checkpoint)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await StoreCheckpointAsync(checkpoint, timeout.Token);
        }
        catch (Exception exception) when (exception is System.Data.Common.DbException or OperationCanceledException)
        {
            // Not stored: those events are published again after a restart, under the same ids.
            logger.LogWarning("The {Log} relay could not store its checkpoint {Checkpoint}: {Error}", relayed.LogName, checkpoint, exception.Message);
        }
    }

    private Task StoreCheckpointAsync(long checkpoint, CancellationToken cancellationToken) =>
        database.WriteAsync(session => ConsumerCursors.SetAsync(session, relayed.CheckpointName, checkpoint, time.GetUtcNow()), cancellationToken);

    private void Report(bool active)
    {
        metrics.ReportActive(relayed.LogName, active);
        health.SetIndependent(HealthNames.Relay, active);
    }
}
