using System.Globalization;
using System.Threading.Channels;
using Mesh.Orders.V1;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Mesh.ConfirmedOrders;

/// <summary>
/// Prints one line per confirmed order. Its own durable quorum queue bound to
/// <c>orders.order.confirmed</c> keeps what arrives while it is not running; a message is
/// acknowledged after its line is written, and a message id seen before (the relay publishes at
/// least once) is acknowledged without a second line.
/// </summary>
public static class ConfirmedOrdersConsumer
{
    public const string RoutingKey = "orders.order.confirmed";

    public static async Task RunAsync(ConfirmedOrdersOptions options, TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        await using var connection = await ConnectAsync(options, cancellationToken);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        await DeclareQueueAsync(channel, options, cancellationToken);
        await channel.BasicQosAsync(0, 50, false, cancellationToken);

        var deliveries = Channel.CreateUnbounded<BasicDeliverEventArgs>();
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, delivery) =>
        {
            // The body's memory is the library's: keep a copy.
            var copy = new BasicDeliverEventArgs(delivery.ConsumerTag, delivery.DeliveryTag, delivery.Redelivered, delivery.Exchange,
                delivery.RoutingKey, delivery.BasicProperties, delivery.Body.ToArray(), delivery.CancellationToken);
            deliveries.Writer.TryWrite(copy);
            return Task.CompletedTask;
        };
        await channel.BasicConsumeAsync(options.Queue, autoAck: false, consumer, cancellationToken);

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var printed = 0;
        await foreach (var delivery in deliveries.Reader.ReadAllAsync(cancellationToken))
        {
            var messageId = delivery.BasicProperties.MessageId ?? string.Empty;
            if (delivery.BasicProperties.Type != OrderEvent.Descriptor.FullName)
            {
                // Not ours to read: give it back for good rather than loop on it.
                await channel.BasicRejectAsync(delivery.DeliveryTag, requeue: false, cancellationToken);
                continue;
            }

            if (seen.Add(messageId))
            {
                var confirmed = OrderEvent.Parser.ParseFrom(delivery.Body.Span);
                await output.WriteLineAsync(Describe(confirmed));
                printed++;
            }

            await channel.BasicAckAsync(delivery.DeliveryTag, multiple: false, cancellationToken);
            if (printed == options.Count)
            {
                return;
            }
        }
    }

    /// <summary>
    /// Declares the queue and its binding, and returns: from now on the queue keeps every
    /// confirmation for the next <see cref="RunAsync"/> (a deployment step, or a test's).
    /// </summary>
    public static async Task DeclareQueueAsync(ConfirmedOrdersOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        await using var connection = await ConnectAsync(options, cancellationToken);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        await DeclareQueueAsync(channel, options, cancellationToken);
    }

    private static Task<IConnection> ConnectAsync(ConfirmedOrdersOptions options, CancellationToken cancellationToken) =>
        new ConnectionFactory { Uri = new Uri(options.BrokerUrl), ClientProvidedName = "mesh-confirmed-orders" }.CreateConnectionAsync(cancellationToken);

    private static async Task DeclareQueueAsync(IChannel channel, ConfirmedOrdersOptions options, CancellationToken cancellationToken)
    {
        await channel.ExchangeDeclareAsync(options.Exchange, ExchangeType.Topic, durable: true, cancellationToken: cancellationToken);
        await channel.QueueDeclareAsync(options.Queue, durable: true, exclusive: false, autoDelete: false,
            arguments: new Dictionary<string, object?> { ["x-queue-type"] = "quorum" }, cancellationToken: cancellationToken);
        await channel.QueueBindAsync(options.Queue, options.Exchange, RoutingKey, cancellationToken: cancellationToken);
    }

    /// <summary>"order 0193… confirmed for user 0193…: 2 line(s), EUR 25.00 (event 42)".</summary>
    public static string Describe(OrderEvent confirmed)
    {
        ArgumentNullException.ThrowIfNull(confirmed);
        var order = confirmed.Order;
        var total = order.Total is { } money
            ? string.Create(CultureInfo.InvariantCulture, $"{money.CurrencyCode} {money.AmountMinor / 100m:0.00}")
            : "no total";
        return $"order {order.OrderId} confirmed for user {order.UserId}: {order.Lines.Count} line(s), {total} (event {confirmed.Sequence})";
    }
}
