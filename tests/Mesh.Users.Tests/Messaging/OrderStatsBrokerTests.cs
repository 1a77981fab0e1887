using System.Diagnostics;
using Google.Protobuf;
using Mesh.Orders.V1;
using Mesh.ServiceDefaults.Messaging;
using Mesh.ServiceDefaults.Telemetry;
using Mesh.Testing;
using Mesh.Testing.Messaging;
using Mesh.Testing.Telemetry;
using Mesh.Storage;
using Mesh.Users.Api;
using Mesh.Users.Feeds;
using Mesh.Users.Storage;
using Mesh.Users.Tests.Support;
using Xunit;

namespace Mesh.Users.Tests.Messaging;

/// <summary>
/// Order statistics from the broker (Mesh:Users:OrderStats:Transport=broker) against a real
/// RabbitMQ: the same projection as the gRPC feed from the same events, each counted once however
/// often it is delivered, and poison messages dead-lettered with their reason without holding up
/// the messages behind them.
/// </summary>
public sealed class OrderStatsBrokerTests
{
    [BrokerFact]
    public async Task BrokerAndFeedTransports_SameEvents_SameStatisticsForEveryUser_RedeliveriesCountedOnce()
    {
        var log = new FakeOrderLog();
        var users = Enumerable.Range(0, 4).Select(_ => Guid.CreateVersion7().ToString()).ToList();
        OrderHistory.AppendRandom(log, users, orders: 60, new Random(16));

        await using var broker = await BrokerUsers.StartAsync();
        foreach (var orderEvent in log.All)
        {
            await broker.Publisher.PublishAsync(RoutingKeyOf(orderEvent), $"orders:{orderEvent.Sequence}", orderEvent);
        }

        // The relay republishes a batch whose checkpoint it did not store: the same ids again.
        foreach (var orderEvent in log.All.Take(25))
        {
            await broker.Publisher.PublishAsync(RoutingKeyOf(orderEvent), $"orders:{orderEvent.Sequence}", orderEvent);
        }

        // Queues deliver in order: once this last event counts, every delivery before it was handled.
        var sentinel = await broker.PublishSentinelAsync();

        await using var orders = await FakeOrders.StartAsync();
        foreach (var orderEvent in log.All)
        {
            orders.Log.Append(orderEvent.Type, orderEvent.Order);
        }

        using var feedHost = UsersHost.WithOrders(orders);
        var last = log.All[^1].Sequence;
        await Eventually.HoldsAsync(async () => await feedHost.Service<IConsumerCursors>().GetAsync(OrderStatsStore.CursorName, CancellationToken.None) >= last,
            "the feed transport caught up");
        await broker.WaitForSentinelAsync(sentinel);

        foreach (var user in users)
        {
            var viaBroker = await StatsAsync(broker.Host, user);
            Assert.Equal(OrderHistory.Expected(log.All, user), viaBroker);
            Assert.Equal(await StatsAsync(feedHost, user), viaBroker);
        }
    }

    [BrokerFact]
    public async Task ConsumerStoppedMidStream_TheNextOneOnTheSameDatabaseAndQueue_CountsEveryEventExactlyOnce()
    {
        var log = new FakeOrderLog();
        var users = Enumerable.Range(0, 3).Select(_ => Guid.CreateVersion7().ToString()).ToList();
        OrderHistory.AppendRandom(log, users, orders: 200, new Random(7));
        var directory = Directory.CreateTempSubdirectory("mesh-broker-users-");
        try
        {
            var databasePath = Path.Combine(directory.FullName, "users.db");
            string exchange, queue;
            await using (var first = await BrokerUsers.StartAsync(databasePath))
            {
                (exchange, queue) = (first.Exchange, first.Queue);
                foreach (var orderEvent in log.All)
                {
                    await first.Publisher.PublishAsync(RoutingKeyOf(orderEvent), $"orders:{orderEvent.Sequence}", orderEvent);
                }

                // Stopped while it works through the queue: a batch may be cut off before or after its commit.
                var counted = OrderHistory.Describe(new Mesh.Users.V1.OrderStats());
                await Eventually.HoldsAsync(async () => await StatsAsync(first.Host, users[0]) != counted, "the first consumer applied some events");
            }

            await using var second = await BrokerUsers.StartAsync(databasePath, exchange, queue);
            await second.WaitForSentinelAsync(await second.PublishSentinelAsync());
            foreach (var user in users)
            {
                Assert.Equal(OrderHistory.Expected(log.All, user), await StatsAsync(second.Host, user));
            }
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [BrokerFact]
    public async Task TraceparentHeader_TheMessageIsProcessedInASpanOfThatTrace_AndAnUnusableOneIsPassedOver()
    {
        using var spans = new SpanRecorder(MeshTelemetry.ActivitySourceName);
        await using var broker = await BrokerUsers.StartAsync();
        var (traced, garbled) = (Guid.CreateVersion7().ToString(), Guid.CreateVersion7().ToString());
        var (trace, placeOrder) = (ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom());
        var log = new FakeOrderLog();
        OrderHistory.Confirmed(log, traced, "EUR", 700);
        OrderHistory.Confirmed(log, garbled, "EUR", 300);

        foreach (var orderEvent in log.All)
        {
            var traceParent = orderEvent.Order.UserId == traced ? $"00-{trace}-{placeOrder}-01" : "not a trace context";
            await broker.Publisher.PublishAsync(RoutingKeyOf(orderEvent), $"orders:{orderEvent.Sequence}", orderEvent,
                new Dictionary<string, object?> { ["traceparent"] = traceParent });
        }

        await broker.WaitForSentinelAsync(await broker.PublishSentinelAsync());

        var span = await spans.WaitForAsync(s => s.TraceId == trace, "processing the traced messages");
        Assert.Equal("process " + broker.Queue, span.DisplayName);
        Assert.Equal(ActivityKind.Consumer, span.Kind);
        Assert.Equal(placeOrder, span.ParentSpanId);
        Assert.Equal("rabbitmq", span.GetTagItem("messaging.system"));
        Assert.Equal(OrderHistory.Expected(log.All, traced), await StatsAsync(broker.Host, traced));
        Assert.Equal(OrderHistory.Expected(log.All, garbled), await StatsAsync(broker.Host, garbled));
    }

    [BrokerFact]
    public async Task PoisonMessages_AreDeadLetteredWithTheirReason_AndTheMessagesBehindThemAreApplied()
    {
        await using var broker = await BrokerUsers.StartAsync();
        var user = Guid.CreateVersion7().ToString();
        var log = new FakeOrderLog();
        OrderHistory.Confirmed(log, user, "EUR", 1_000);
        var confirmed = log.All.Single(e => e.Type == OrderEventType.OrderConfirmed);

        await broker.Publisher.PublishRawAsync("orders.order.confirmed", "orders:garbage", OrderEvent.Descriptor.FullName, [0xFF, 0xFF, 0xFF]);
        await broker.Publisher.PublishRawAsync("orders.order.confirmed", "orders:other-type", "mesh.billing.v1.Invoice", [0x08, 0x01]);
        await broker.Publisher.PublishRawAsync("orders.order.confirmed", null, OrderEvent.Descriptor.FullName, confirmed.ToByteArray());
        // A total that overflows the stored spend fails in the database on every attempt.
        var overflowing = confirmed.Clone();
        overflowing.Order.Total.AmountMinor = long.MaxValue;
        await broker.Publisher.PublishAsync("orders.order.confirmed", "orders:overflow-1", overflowing);
        await broker.Publisher.PublishAsync("orders.order.confirmed", "orders:overflow-2", overflowing);
        var rejected = confirmed.Clone();
        rejected.Type = OrderEventType.OrderRejected;
        await broker.Publisher.PublishAsync("orders.order.rejected", "orders:rejected", rejected);

        await using var deadLetters = BrokerQueue.Existing(broker.Url, BrokerTopology.DeadLetterQueueOf(broker.Queue));
        var dead = await deadLetters.ReadUntilAsync(received => received.Count >= 4, "the four poison messages are dead-lettered", TimeSpan.FromSeconds(60));

        var reasons = dead.ToDictionary(m => m.MessageId ?? "(none)", m => m.Header(BrokerTopology.DeadReasonHeader) ?? "");
        Assert.StartsWith("unparseable:", reasons["orders:garbage"]);
        Assert.StartsWith("unknown_type:", reasons["orders:other-type"]);
        Assert.StartsWith("no_message_id:", reasons["(none)"]);
        Assert.StartsWith("handler_failed: handling failed 5 times", reasons["orders:overflow-2"]);
        Assert.All(dead, message => Assert.Equal(broker.Queue, message.Header("mesh-dead-queue")));

        // The first overflowing total still fits (the spend was 0), the second cannot; the event after them counts.
        await broker.WaitForSentinelAsync(await broker.PublishSentinelAsync());
        Assert.Equal($"placed=1 cancelled=0 rejected=1 spend=[EUR {long.MaxValue}]", await StatsAsync(broker.Host, user));
    }

    [Fact]
    public void BrokerTransport_WithoutABrokerUrl_RefusesToStartNamingTheSetting()
    {
        var failure = Assert.ThrowsAny<Exception>(() =>
        {
            using var host = UsersHost.WithSettings(realClock: true, (UsersRegistration.OrderStatsTransportKey, "broker"));
        });
        Assert.Contains("Mesh:Messaging:Url", Innermost(failure).Message);
    }

    [Theory]
    [InlineData("http://127.0.0.1:5672/")]
    [InlineData("not a url")]
    public void BrokerUrlThatIsNotAmqp_RefusesToStartNamingTheSetting(string url)
    {
        var failure = Assert.ThrowsAny<Exception>(() =>
        {
            using var host = UsersHost.WithSettings(realClock: true, ("Mesh:Messaging:Url", url));
        });
        Assert.Contains("Mesh:Messaging:Url must be an amqp:// or amqps:// URL", Innermost(failure).Message);
    }

    [Fact]
    public void UnknownTransport_RefusesToStartNamingTheChoices()
    {
        var failure = Assert.ThrowsAny<Exception>(() =>
        {
            using var host = UsersHost.WithSettings(realClock: true, (UsersRegistration.OrderStatsTransportKey, "carrier-pigeon"));
        });
        Assert.Contains("\"feed\" or \"broker\"", Innermost(failure).Message);
    }

    private static async Task<string> StatsAsync(UsersHost host, string userId) =>
        OrderHistory.Describe(UserMapper.ToProto(await host.Service<OrderStatsStore>().GetAsync(userId, CancellationToken.None)));

    private static Exception Innermost(Exception exception) => exception.InnerException is { } inner ? Innermost(inner) : exception;

    private static string RoutingKeyOf(OrderEvent orderEvent) => orderEvent.Type switch
    {
        OrderEventType.OrderPlaced => "orders.order.placed",
        OrderEventType.OrderConfirmed => "orders.order.confirmed",
        OrderEventType.OrderCancelled => "orders.order.cancelled",
        _ => "orders.order.rejected",
    };

    /// <summary>A users service on the broker transport, with a queue and exchanges of its own on the shared broker.</summary>
    private sealed class BrokerUsers : IAsyncDisposable
    {
        private BrokerUsers(string url, string exchange, string queue, UsersHost host, BrokerPublisher publisher) =>
            (Url, Exchange, Queue, Host, Publisher) = (url, exchange, queue, host, publisher);

        public string Url { get; }

        public string Exchange { get; }

        public string Queue { get; }

        public UsersHost Host { get; }

        public BrokerPublisher Publisher { get; }

        public static async Task<BrokerUsers> StartAsync(string? databasePath = null, string? exchange = null, string? queue = null)
        {
            var url = await TestBroker.UrlAsync();
            exchange ??= TestBroker.UniqueName("events");
            queue ??= TestBroker.UniqueName("order-stats");
            (string, string)[] settings =
            [
                ("Mesh:Messaging:Url", url),
                ("Mesh:Messaging:Exchange", exchange),
                ("Mesh:Messaging:DeadLetterExchange", exchange + ".dead-letter"),
                (UsersRegistration.OrderStatsTransportKey, "broker"),
                (OrderStatsBrokerConsumer.QueueKey, queue),
            ];
            var host = databasePath is null
                ? UsersHost.WithSettings(realClock: true, settings)
                : UsersHost.On(databasePath, postgres: null, orders: null, realClock: true, settings);
            var consumer = host.Service<IEnumerable<Microsoft.Extensions.Hosting.IHostedService>>().OfType<OrderStatsBrokerConsumer>().Single();
            await Eventually.HoldsAsync(() => Task.FromResult(consumer.IsConsuming), "the consumer declared its queue and subscribed");
            return new BrokerUsers(url, exchange, queue, host, await BrokerPublisher.ConnectAsync(url, exchange));
        }

        /// <summary>Publishes a rejected order of a user of its own; returns that user.</summary>
        public async Task<string> PublishSentinelAsync()
        {
            var user = Guid.CreateVersion7().ToString();
            var log = new FakeOrderLog();
            OrderHistory.Rejected(log, user, "EUR", 1);
            var rejected = log.All.Single(e => e.Type == OrderEventType.OrderRejected);
            await Publisher.PublishAsync("orders.order.rejected", "sentinel:" + user, rejected);
            return user;
        }

        public Task WaitForSentinelAsync(string user) =>
            Eventually.HoldsAsync(async () => (await StatsAsync(Host, user)).Contains("rejected=1"), "the sentinel behind every earlier message was applied", TimeSpan.FromSeconds(60));

        public async ValueTask DisposeAsync()
        {
            await Publisher.DisposeAsync();
            Host.Dispose();
        }
    }
}
