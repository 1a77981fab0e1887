using System.Globalization;
using System.Text;
using System.Threading.Channels;
using Google.Protobuf;
using Mesh.ServiceDefaults.Feeds;
using Mesh.ServiceDefaults.Telemetry;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Mesh.ServiceDefaults.Messaging;

/// <summary>
/// Consumes a durable quorum queue bound to the event exchange with exactly-once effect: each
/// batch of deliveries (at most the prefetch) is applied in one transaction that also records
/// every message id in the service's inbox, and acknowledged only after it committed. A
/// redelivery (after a crash, a lost connection, a republish by the relay) finds its id and is
/// passed over. A message that cannot be applied never blocks the queue: unparseable bodies,
/// unknown types and messages without an id are dead-lettered at once, and a message whose
/// handling fails <see cref="MessagingOptions.MaxDeliveryAttempts"/> times after that, each time
/// with the reason in the <see cref="BrokerTopology.DeadReasonHeader"/> header.
/// </summary>
public abstract class InboxConsumer<TMessage>(
    string queue,
    BrokerConnection broker,
    IOptions<MessagingOptions> options,
    MessagingMetrics metrics,
    TimeProvider time,
    ILogger logger) : BackgroundService where TMessage : IMessage<TMessage>, new()
{
    private static readonly MessageParser<TMessage> Parser = new(() => new TMessage());
    private static readonly string MessageType = new TMessage().Descriptor.FullName;
    private static readonly TimeSpan PruneInterval = TimeSpan.FromHours(1);

    private readonly RetryBackoff _backoff = new(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(30));
    private DateTimeOffset _nextPrune = DateTimeOffset.MinValue;

    /// <summary>The queue's name, and the consumer's name in the inbox.</summary>
    public string Queue { get; } = queue;

    /// <summary>True while subscribed to the queue.</summary>
    public bool IsConsuming { get; private set; }

    /// <summary>The routing keys the queue is bound to (patterns allowed: <c>orders.order.*</c>).</summary>
    protected abstract IEnumerable<string> RoutingKeys { get; }

    /// <summary>
    /// Applies the messages whose ids are not in the inbox yet, records those ids, all in one
    /// transaction; returns how many were new. Throwing rolls everything back.
    /// </summary>
    protected abstract Task<int> ApplyAsync(IReadOnlyList<InboxMessage<TMessage>> messages, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Deletes inbox ids recorded before <paramref name="cutoff"/>.</summary>
    protected abstract Task PruneInboxAsync(DateTimeOffset cutoff, CancellationToken cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ConsumeAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception exception)
            {
                logger.LogWarning("Consumer of {Queue} stopped: {Error}; retrying", Queue, exception.Message);
            }
            finally
            {
                IsConsuming = false;
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
    }

    private async Task ConsumeAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var connection = await broker.GetAsync(cancellationToken);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        await using var deadLetters = await connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), cancellationToken);
        await BrokerTopology.DeclareConsumerQueueAsync(channel, settings, Queue, RoutingKeys, cancellationToken);
        await channel.BasicQosAsync(prefetchSize: 0, prefetchCount: settings.Prefetch, global: false, cancellationToken);

        // Deliveries are handed to this loop, so a batch can gather what arrived together.
        var arrived = Channel.CreateUnbounded<Delivery>(new UnboundedChannelOptions { SingleReader = true });
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, delivery) =>
        {
            arrived.Writer.TryWrite(Delivery.Of(delivery));
            return Task.CompletedTask;
        };
        await channel.BasicConsumeAsync(Queue, autoAck: false, consumer, cancellationToken);
        IsConsuming = true;
        _backoff.Reset();
        logger.LogInformation("Consuming {Queue} (prefetch {Prefetch})", Queue, settings.Prefetch);

        var batch = new List<Delivery>(settings.Prefetch);
        while (true)
        {
            using (var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                // Wake now and then: a channel the broker closed for good is not recovered by the library.
                wait.CancelAfter(TimeSpan.FromSeconds(1));
                try
                {
                    await arrived.Reader.WaitToReadAsync(wait.Token);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                }
            }

            cancellationToken.ThrowIfCancellationRequested();
            if (channel.IsClosed && connection.IsOpen)
            {
                throw new InvalidOperationException($"the broker closed the channel: {channel.CloseReason?.ReplyText}");
            }

            batch.Clear();
            while (batch.Count < settings.Prefetch && arrived.Reader.TryRead(out var delivery))
            {
                batch.Add(delivery);
            }

            if (batch.Count > 0)
            {
                await ProcessAsync(channel, deadLetters, batch, cancellationToken);
            }

            await PruneWhenDueAsync(cancellationToken);
        }
    }

    private async Task ProcessAsync(IChannel channel, IChannel deadLetters, List<Delivery> batch, CancellationToken cancellationToken)
    {
        var decoded = new List<(Delivery Delivery, InboxMessage<TMessage> Message)>(batch.Count);
        foreach (var delivery in batch)
        {
            if (Decode(delivery, out var message, out var reason, out var detail))
            {
                decoded.Add((delivery, message));
            }
            else
            {
                await DeadLetterAsync(channel, deadLetters, delivery, reason, detail, cancellationToken);
            }
        }

        if (decoded.Count == 0)
        {
            return;
        }

        try
        {
            await ApplyAndAckAsync(channel, decoded, cancellationToken);
        }
        catch (Exception exception) when (IsHandlingFailure(exception) && decoded.Count > 1)
        {
            // One message spoiled the batch: apply one at a time, so only that one is retried.
            logger.LogWarning("A batch of {Count} from {Queue} failed ({Error}); applying one at a time", decoded.Count, Queue, exception.Message);
            foreach (var single in decoded)
            {
                await ApplyOneAsync(channel, deadLetters, single, cancellationToken);
            }
        }
        catch (Exception exception) when (IsHandlingFailure(exception))
        {
            await FailedAsync(channel, deadLetters, decoded[0].Delivery, exception, cancellationToken);
        }
    }

    private async Task ApplyOneAsync(IChannel channel, IChannel deadLetters, (Delivery Delivery, InboxMessage<TMessage> Message) single, CancellationToken cancellationToken)
    {
        try
        {
            await ApplyAndAckAsync(channel, [single], cancellationToken);
        }
        catch (Exception exception) when (IsHandlingFailure(exception))
        {
            await FailedAsync(channel, deadLetters, single.Delivery, exception, cancellationToken);
        }
    }

    private async Task ApplyAndAckAsync(IChannel channel, IReadOnlyList<(Delivery Delivery, InboxMessage<TMessage> Message)> decoded, CancellationToken cancellationToken)
    {
        var applied = await EventTrace.ProcessAsync("process " + Queue, "rabbitmq", Queue, decoded.Select(item => item.Delivery.TraceParent).ToList(),
            () => ApplyAsync(decoded.Select(item => item.Message).ToList(), time.GetUtcNow(), cancellationToken));

        // Acknowledged only now that the effects committed; a crash before this redelivers them,
        // and the inbox passes them over.
        foreach (var (delivery, _) in decoded)
        {
            await channel.BasicAckAsync(delivery.Tag, multiple: false, cancellationToken);
        }

        metrics.RecordConsumed(Queue, applied, decoded.Count - applied);
    }

    private async Task FailedAsync(IChannel channel, IChannel deadLetters, Delivery delivery, Exception exception, CancellationToken cancellationToken)
    {
        var attempts = delivery.PreviousDeliveries + 1;
        if (attempts >= options.Value.MaxDeliveryAttempts)
        {
            await DeadLetterAsync(channel, deadLetters, delivery, "handler_failed",
                $"handling failed {attempts} times; last: {exception.GetType().Name}: {exception.Message}", cancellationToken);
            return;
        }

        logger.LogWarning("Message {MessageId} from {Queue} failed (attempt {Attempt} of {MaxAttempts}): {Error}; it will be redelivered",
            delivery.MessageId, Queue, attempts, options.Value.MaxDeliveryAttempts, exception.Message);
        await channel.BasicNackAsync(delivery.Tag, multiple: false, requeue: true, cancellationToken);
    }

    private async Task DeadLetterAsync(IChannel channel, IChannel deadLetters, Delivery delivery, string reason, string detail, CancellationToken cancellationToken)
    {
        var headers = delivery.Headers is null ? new Dictionary<string, object?>() : new Dictionary<string, object?>(delivery.Headers);
        headers[BrokerTopology.DeadReasonHeader] = $"{reason}: {detail}";
        headers["mesh-dead-queue"] = Queue;
        headers["mesh-dead-routing-key"] = delivery.RoutingKey;
        var properties = new BasicProperties
        {
            Persistent = true,
            MessageId = delivery.MessageId,
            Type = delivery.Type,
            ContentType = delivery.ContentType,
            Headers = headers,
        };
        // Confirmed before the original is acknowledged: the message is in one queue or the other, never neither.
        await deadLetters.BasicPublishAsync(options.Value.DeadLetterExchange, Queue, mandatory: true, properties, delivery.Body, cancellationToken);
        await channel.BasicAckAsync(delivery.Tag, multiple: false, cancellationToken);
        metrics.RecordDeadLettered(Queue, reason);
        logger.LogError("Message {MessageId} from {Queue} was dead-lettered to {DeadLetterQueue}: {Reason}: {Detail}",
            delivery.MessageId, Queue, BrokerTopology.DeadLetterQueueOf(Queue), reason, detail);
    }

    // A lost channel is not the message's fault: the consumer reconnects and the broker redelivers.
    private static bool IsHandlingFailure(Exception exception) =>
        exception is not (OperationCanceledException or RabbitMQ.Client.Exceptions.AlreadyClosedException);

    private static bool Decode(Delivery delivery, out InboxMessage<TMessage> message, out string reason, out string detail)
    {
        message = null!;
        (reason, detail) = (string.Empty, string.Empty);
        if (string.IsNullOrEmpty(delivery.MessageId))
        {
            (reason, detail) = ("no_message_id", "a message without message_id cannot be applied exactly once");
            return false;
        }

        if (delivery.Type != MessageType)
        {
            (reason, detail) = ("unknown_type", $"type \"{delivery.Type}\" is not {MessageType}");
            return false;
        }

        try
        {
            message = new InboxMessage<TMessage>(delivery.MessageId, delivery.RoutingKey, Parser.ParseFrom(delivery.Body));
            return true;
        }
        catch (InvalidProtocolBufferException exception)
        {
            (reason, detail) = ("unparseable", $"the body is not a {MessageType}: {exception.Message}");
            return false;
        }
    }

    private async Task PruneWhenDueAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (now < _nextPrune)
        {
            return;
        }

        _nextPrune = now + PruneInterval;
        try
        {
            await PruneInboxAsync(now - options.Value.InboxRetention, cancellationToken);
        }
        catch (System.Data.Common.DbException exception)
        {
            logger.LogWarning(exception, "Pruning the inbox of {Queue} failed; retrying in {Interval}", Queue, PruneInterval);
        }
    }

    /// <summary>What the loop keeps of a delivery: the body is copied, the library reuses its buffer.</summary>
    private sealed record Delivery(
        ulong Tag, string? MessageId, string? Type, string? ContentType, string RoutingKey,
        IDictionary<string, object?>? Headers, long PreviousDeliveries, byte[] Body)
    {
        /// <summary>The W3C <c>traceparent</c> header (AMQP carries string headers as bytes), or null.</summary>
        public string? TraceParent => Headers?.TryGetValue(EventTrace.Header, out var value) == true
            ? value switch
            {
                byte[] bytes => Encoding.UTF8.GetString(bytes),
                string text => text,
                _ => null,
            }
            : null;

        public static Delivery Of(BasicDeliverEventArgs args)
        {
            var properties = args.BasicProperties;
            // Quorum queues count earlier deliveries of a message in x-delivery-count.
            var previous = properties.Headers?.TryGetValue("x-delivery-count", out var count) == true && count is not null
                ? Convert.ToInt64(count, CultureInfo.InvariantCulture)
                : 0;
            return new Delivery(args.DeliveryTag, properties.MessageId, properties.Type, properties.ContentType, args.RoutingKey,
                properties.Headers, previous, args.Body.ToArray());
        }
    }
}
