using RabbitMQ.Client;

namespace Mesh.ServiceDefaults.Messaging;

/// <summary>
/// The exchanges and queues of Mesh messaging, declared idempotently by whoever needs them first:
/// the event exchange (topic), the dead-letter exchange (topic, keyed by source queue), and for each
/// consumer a durable quorum queue with its dead-letter queue <c>{queue}.dead-letter</c>.
/// </summary>
public static class BrokerTopology
{
    /// <summary>The header that says why a message was dead-lettered.</summary>
    public const string DeadReasonHeader = "mesh-dead-reason";

    /// <summary>The queue that holds the poison messages of <paramref name="queue"/>.</summary>
    public static string DeadLetterQueueOf(string queue) => queue + ".dead-letter";

    public static Task DeclareEventExchangeAsync(IChannel channel, MessagingOptions options, CancellationToken cancellationToken) =>
        channel.ExchangeDeclareAsync(options.Exchange, ExchangeType.Topic, durable: true, autoDelete: false, cancellationToken: cancellationToken);

    /// <summary>Declares <paramref name="queue"/> bound to <paramref name="routingKeys"/>, and its dead-letter queue.</summary>
    public static async Task DeclareConsumerQueueAsync(
        IChannel channel, MessagingOptions options, string queue, IEnumerable<string> routingKeys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(options);
        await DeclareEventExchangeAsync(channel, options, cancellationToken);
        await channel.ExchangeDeclareAsync(options.DeadLetterExchange, ExchangeType.Topic, durable: true, autoDelete: false, cancellationToken: cancellationToken);

        var deadLetters = DeadLetterQueueOf(queue);
        await channel.QueueDeclareAsync(deadLetters, durable: true, exclusive: false, autoDelete: false,
            arguments: new Dictionary<string, object?> { ["x-queue-type"] = "quorum" }, cancellationToken: cancellationToken);
        await channel.QueueBindAsync(deadLetters, options.DeadLetterExchange, queue, cancellationToken: cancellationToken);

        await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false,
            arguments: new Dictionary<string, object?>
            {
                ["x-queue-type"] = "quorum",
                ["x-dead-letter-exchange"] = options.DeadLetterExchange,
                ["x-dead-letter-routing-key"] = queue,
                // The consumer dead-letters a failing message itself, with its reason, after
                // MaxDeliveryAttempts; the broker's limit is the backstop for a consumer that
                // crashes on a message before it can.
                ["x-delivery-limit"] = options.MaxDeliveryAttempts + 2,
            },
            cancellationToken: cancellationToken);
        foreach (var key in routingKeys)
        {
            await channel.QueueBindAsync(queue, options.Exchange, key, cancellationToken: cancellationToken);
        }
    }
}
