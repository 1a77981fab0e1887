using System.Text;
using RabbitMQ.Client;

namespace Mesh.Testing.Messaging;

/// <summary>
/// A durable queue a test declares on a broker and reads with basic.get, so it keeps what arrives
/// while the test is not reading and across broker restarts (it reconnects on every read after a
/// failure). Disposing deletes the queue.
/// </summary>
public sealed class BrokerQueue(string url, string name) : IAsyncDisposable
{
    private IConnection? _connection;
    private IChannel? _channel;

    public string Name { get; } = name;

    /// <summary>Everything read so far, in arrival order.</summary>
    public List<ReceivedMessage> Received { get; } = [];

    /// <summary>Declares the topic exchange (as the relay does) and a queue bound to it with <paramref name="bindings"/>.</summary>
    public static async Task<BrokerQueue> BindAsync(string url, string exchange, params string[] bindings)
    {
        var queue = new BrokerQueue(url, TestBroker.UniqueName("capture"));
        var channel = await queue.ChannelAsync();
        await channel.ExchangeDeclareAsync(exchange, ExchangeType.Topic, durable: true, autoDelete: false);
        await channel.QueueDeclareAsync(queue.Name, durable: true, exclusive: false, autoDelete: false);
        foreach (var binding in bindings)
        {
            await channel.QueueBindAsync(queue.Name, exchange, binding);
        }

        return queue;
    }

    /// <summary>A queue someone else declared (e.g. a consumer's dead-letter queue).</summary>
    public static BrokerQueue Existing(string url, string name) => new(url, name);

    /// <summary>Reads until <paramref name="done"/> holds for <see cref="Received"/>; fails after <paramref name="timeout"/> (default 30 s).</summary>
    public async Task<List<ReceivedMessage>> ReadUntilAsync(Func<List<ReceivedMessage>, bool> done, string because, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (!done(Received))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"timed out waiting until {because}; {Received.Count} messages read from {Name}");
            }

            try
            {
                var channel = await ChannelAsync();
                var message = await channel.BasicGetAsync(Name, autoAck: true);
                if (message is null)
                {
                    await Task.Delay(50);
                    continue;
                }

                Received.Add(ReceivedMessage.Of(message));
            }
            catch (Exception exception) when (exception is RabbitMQ.Client.Exceptions.RabbitMQClientException or IOException
                                              or RabbitMQ.Client.Exceptions.OperationInterruptedException or System.Net.Sockets.SocketException)
            {
                // The broker is restarting: reconnect on the next round.
                await CloseAsync();
                await Task.Delay(200);
            }
        }

        return Received;
    }

    /// <summary>Reads whatever is waiting now, until the queue is empty; returns everything read so far.</summary>
    public async Task<List<ReceivedMessage>> DrainAsync()
    {
        var channel = await ChannelAsync();
        while (await channel.BasicGetAsync(Name, autoAck: true) is { } message)
        {
            Received.Add(ReceivedMessage.Of(message));
        }

        return Received;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            var channel = await ChannelAsync();
            await channel.QueueDeleteAsync(Name);
        }
        catch (Exception exception) when (exception is RabbitMQ.Client.Exceptions.RabbitMQClientException or IOException
                                          or RabbitMQ.Client.Exceptions.OperationInterruptedException or System.Net.Sockets.SocketException)
        {
            // The broker is already gone (a test that stopped it): nothing left to delete.
        }

        await CloseAsync();
    }

    private async Task<IChannel> ChannelAsync()
    {
        if (_channel is { IsOpen: true })
        {
            return _channel;
        }

        await CloseAsync();
        var factory = new ConnectionFactory { Uri = new Uri(url), AutomaticRecoveryEnabled = false };
        _connection = await factory.CreateConnectionAsync();
        _channel = await _connection.CreateChannelAsync();
        return _channel;
    }

    private async Task CloseAsync()
    {
        if (_channel is not null)
        {
            await _channel.DisposeAsync();
            _channel = null;
        }

        if (_connection is not null)
        {
            await _connection.DisposeAsync();
            _connection = null;
        }
    }
}

/// <summary>A message as a test reads it.</summary>
public sealed record ReceivedMessage(
    string RoutingKey, string? MessageId, string? Type, string? ContentType, bool Persistent, IDictionary<string, object?> Headers, byte[] Body)
{
    public static ReceivedMessage Of(BasicGetResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var properties = result.BasicProperties;
        return new ReceivedMessage(result.RoutingKey, properties.MessageId, properties.Type, properties.ContentType,
            properties.Persistent, properties.Headers ?? new Dictionary<string, object?>(), result.Body.ToArray());
    }

    /// <summary>A header's value as text (AMQP carries strings as bytes), or null when absent.</summary>
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value switch
    {
        byte[] bytes => Encoding.UTF8.GetString(bytes),
        null => null,
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture),
    } : null;
}
