using Google.Protobuf;
using RabbitMQ.Client;

namespace Mesh.Testing.Messaging;

/// <summary>Publishes messages to an exchange as a relay (or a misbehaving producer) would, each confirmed by the broker.</summary>
public sealed class BrokerPublisher : IAsyncDisposable
{
    private readonly IConnection _connection;
    private readonly IChannel _channel;
    private readonly string _exchange;

    private BrokerPublisher(IConnection connection, IChannel channel, string exchange) =>
        (_connection, _channel, _exchange) = (connection, channel, exchange);

    public static async Task<BrokerPublisher> ConnectAsync(string url, string exchange)
    {
        var connection = await new ConnectionFactory { Uri = new Uri(url), AutomaticRecoveryEnabled = false }.CreateConnectionAsync();
        var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        await channel.ExchangeDeclareAsync(exchange, ExchangeType.Topic, durable: true, autoDelete: false);
        return new BrokerPublisher(connection, channel, exchange);
    }

    /// <summary>Publishes <paramref name="message"/> the way the relay does: protobuf body, its full name as type.</summary>
    public Task PublishAsync(string routingKey, string messageId, IMessage message, IDictionary<string, object?>? headers = null) =>
        PublishRawAsync(routingKey, messageId, message.Descriptor.FullName, message.ToByteArray(), headers);

    /// <summary>Publishes any body with any type and headers, e.g. a poison message.</summary>
    public async Task PublishRawAsync(string routingKey, string? messageId, string type, byte[] body, IDictionary<string, object?>? headers = null)
    {
        var properties = new BasicProperties { Persistent = true, MessageId = messageId, Type = type, ContentType = "application/x-protobuf", Headers = headers };
        await _channel.BasicPublishAsync(_exchange, routingKey, mandatory: false, properties, body);
    }

    public async ValueTask DisposeAsync()
    {
        await _channel.DisposeAsync();
        await _connection.DisposeAsync();
    }
}
