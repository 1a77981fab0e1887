namespace Mesh.ServiceDefaults.Messaging;

/// <summary>
/// Messaging through a RabbitMQ broker (section Mesh:Messaging). Off unless <see cref="Url"/> is
/// set: the services then relay nothing and need no broker.
/// </summary>
public sealed class MessagingOptions
{
    public const string Section = "Mesh:Messaging";

    /// <summary>The AMQP URL, e.g. <c>amqp://user:password@rabbitmq:5672/</c>; empty turns messaging off.</summary>
    public string? Url { get; set; }

    /// <summary>The durable topic exchange every event log is relayed to.</summary>
    public string Exchange { get; set; } = "mesh.events";

    /// <summary>The durable topic exchange poison messages go to, routed by the queue they came from.</summary>
    public string DeadLetterExchange { get; set; } = "mesh.dead-letter";

    /// <summary>Most events published before the relay waits for their confirms and moves its checkpoint.</summary>
    public int PublishBatchSize { get; set; } = 1000;

    /// <summary>Most unacknowledged deliveries a consumer holds (its prefetch), and so its largest batch.</summary>
    public ushort Prefetch { get; set; } = 250;

    /// <summary>
    /// How often a busy relay stores its checkpoint; a crash republishes at most what was confirmed
    /// since. Each store is a write the service's own writes wait behind, and under steady load
    /// a batch is often one or two events.
    /// </summary>
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Deliveries of one message whose handling failed before it is dead-lettered.</summary>
    public int MaxDeliveryAttempts { get; set; } = 5;

    /// <summary>How long a consumer remembers an applied message id (redeliveries come far sooner).</summary>
    public TimeSpan InboxRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How often a replica that does not hold a log's relay lease tries to take it.</summary>
    public TimeSpan LeaseRetryInterval { get; set; } = TimeSpan.FromSeconds(5);

    public bool IsEnabled => !string.IsNullOrWhiteSpace(Url);
}
