using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;

namespace Mesh.ServiceDefaults.Messaging;

/// <summary>
/// The process's one connection to the broker, opened on first use. The client library recovers
/// it (and the channels, queues and consumers on it) after the broker or the network comes back;
/// a first connection that fails is the caller's to retry, with backoff.
/// </summary>
public sealed class BrokerConnection(IOptions<MessagingOptions> options, IHostEnvironment environment, ILogger<BrokerConnection> logger) : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private IConnection? _connection;

    /// <summary>True while a connection is open (false before the first, and while one recovers).</summary>
    public bool IsOpen => _connection?.IsOpen ?? false;

    /// <summary>The connection: the open or recovering one, or a new one. Throws when the broker cannot be reached.</summary>
    public async Task<IConnection> GetAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_connection is not null)
            {
                return _connection;
            }

            var url = options.Value.Url;
            if (string.IsNullOrWhiteSpace(url))
            {
                throw new InvalidOperationException($"{MessagingOptions.Section}:Url is not set: messaging is off.");
            }

            var factory = new ConnectionFactory
            {
                Uri = new Uri(url),
                ClientProvidedName = environment.ApplicationName,
                AutomaticRecoveryEnabled = true,
                TopologyRecoveryEnabled = true,
                NetworkRecoveryInterval = TimeSpan.FromSeconds(2),
                RequestedHeartbeat = TimeSpan.FromSeconds(15),
            };
            _connection = await factory.CreateConnectionAsync(cancellationToken);
            _connection.ConnectionShutdownAsync += (_, args) =>
            {
                logger.LogWarning("Broker connection lost: {Reason}; recovering", args.ReplyText);
                return Task.CompletedTask;
            };
            _connection.RecoverySucceededAsync += (_, _) =>
            {
                logger.LogInformation("Broker connection recovered");
                return Task.CompletedTask;
            };
            logger.LogInformation("Connected to the broker at {Endpoint}", _connection.Endpoint);
            return _connection;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is { } connection)
        {
            await connection.DisposeAsync();
        }

        _gate.Dispose();
    }
}
