using Mesh.Orders.V1;
using Mesh.ServiceDefaults.Messaging;
using Mesh.Users.Domain;
using Mesh.Users.Storage;
using Microsoft.Extensions.Options;

namespace Mesh.Users.Feeds;

/// <summary>
/// Keeps the per-user order statistics from the order events the orders relay publishes to the
/// broker (Mesh:Users:OrderStats:Transport=broker), instead of the WatchOrderEvents feed: the same
/// events, the same rules, the same tables. Its quorum queue holds events while users is down;
/// the inbox makes each one count once.
/// </summary>
/// <remarks>
/// The queue receives what is published after it was first declared. A users service switched
/// from the feed to the broker on an existing database misses what orders published in between:
/// start it once on the broker transport before orders takes traffic, or leave it on the feed.
/// </remarks>
public sealed class OrderStatsBrokerConsumer(
    IConfiguration configuration,
    OrderStatsStore stats,
    BrokerConnection broker,
    IOptions<MessagingOptions> options,
    MessagingMetrics metrics,
    TimeProvider time,
    ILogger<OrderStatsBrokerConsumer> logger)
    : InboxConsumer<OrderEvent>(configuration[QueueKey] is { Length: > 0 } queue ? queue : DefaultQueue, broker, options, metrics, time, logger)
{
    /// <summary>The durable quorum queue's name; its poison messages go to <c>{queue}.dead-letter</c>.</summary>
    public const string QueueKey = "Mesh:Users:OrderStats:Queue";

    public const string DefaultQueue = "users.order-stats";

    protected override IEnumerable<string> RoutingKeys => ["orders.order.*"];

    protected override Task<int> ApplyAsync(IReadOnlyList<InboxMessage<OrderEvent>> messages, DateTimeOffset now, CancellationToken cancellationToken) =>
        stats.ApplyOnceAsync(
            Queue,
            messages.Select(message => (message.MessageId, OrderStatsRules.ChangeOf(message.Message))).ToList(),
            now,
            cancellationToken);

    protected override Task PruneInboxAsync(DateTimeOffset cutoff, CancellationToken cancellationToken) =>
        stats.PruneInboxAsync(cutoff, cancellationToken);
}
