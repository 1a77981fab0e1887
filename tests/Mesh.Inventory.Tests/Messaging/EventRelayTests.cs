using Grpc.Health.V1;
using Mesh.Inventory.Tests.Support;
using Mesh.Inventory.V1;
using Mesh.ServiceDefaults.Feeds;
using Mesh.ServiceDefaults.Health;
using Mesh.ServiceDefaults.Messaging;
using Mesh.Testing;
using Mesh.Testing.Messaging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Mesh.Inventory.Tests.Messaging;

/// <summary>
/// The inventory event log relayed to a real RabbitMQ: every committed event reaches the exchange
/// in log order, as the same InventoryEvent the feed serves, routed by type and keyed by sku; the
/// broker being down never stops the service, and the relay catches up when it comes back.
/// </summary>
public sealed class EventRelayTests
{
    [BrokerFact]
    public async Task Relay_EveryEvent_ReachesTheExchangeInLogOrderAsTheFeedsEventWithIdTypeKeyAndSku()
    {
        var url = await TestBroker.UrlAsync();
        var exchange = TestBroker.UniqueName("events");
        await using var all = await BrokerQueue.BindAsync(url, exchange, "inventory.#");
        await using var stockOnly = await BrokerQueue.BindAsync(url, exchange, "inventory.stock.*");
        await using var host = new InventoryHost(configure: factory => factory.WithMessaging(url, exchange));

        var (mug, tee) = (InventoryHost.NewSku("MUG"), InventoryHost.NewSku("TEE"));
        await host.CreateItemAsync(mug, 10);
        await host.CreateItemAsync(tee, 5);
        await host.Client.AdjustStockAsync(new AdjustStockRequest { RequestId = Guid.NewGuid().ToString(), Sku = mug, Delta = 3, Reason = "restock" });
        await host.ReserveAsync(Guid.NewGuid().ToString(), (mug, 2), (tee, 1));

        var feed = await host.EventsAfterAsync(0);
        Assert.Equal(5, feed.Count);
        var messages = await all.ReadUntilAsync(received => received.Count >= feed.Count, "every event is relayed");

        Assert.Equal(feed.Select(e => $"inventory:{e.Sequence}"), messages.Select(m => m.MessageId));
        Assert.Equal(
            ["inventory.item.created", "inventory.item.created", "inventory.stock.adjusted", "inventory.stock.reserved", "inventory.stock.reserved"],
            messages.Select(m => m.RoutingKey));
        Assert.Equal(feed.Select(e => e.Item.Sku), messages.Select(m => m.Header("sku")));
        // The standard header continues the trace of the call that made the change.
        Assert.All(feed, e => Assert.Matches("^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$", e.TraceParent));
        Assert.Equal(feed.Select(e => e.TraceParent), messages.Select(m => m.Header("traceparent")));
        Assert.All(messages, message =>
        {
            Assert.Equal(InventoryEvent.Descriptor.FullName, message.Type);
            Assert.Equal("application/x-protobuf", message.ContentType);
            Assert.True(message.Persistent);
        });
        Assert.Equal(feed, messages.Select(m => InventoryEvent.Parser.ParseFrom(m.Body)));

        var stock = await stockOnly.ReadUntilAsync(received => received.Count >= 3, "the stock events are routed to a stock.* binding");
        Assert.Equal(["inventory:3", "inventory:4", "inventory:5"], stock.Select(m => m.MessageId));
        await Eventually.HoldsAsync(async () => await RelayStatusAsync(host) == HealthCheckResponse.Types.ServingStatus.Serving,
            "the relay reports SERVING once it publishes");
    }

    [BrokerFact]
    public async Task BrokerDownAtStart_ServiceServesAndCommits_ThenTheRelayCatchesUpInOrderWhenTheBrokerComes()
    {
        await using var node = await RabbitMqNode.StartAsync();
        var exchange = TestBroker.UniqueName("events");
        // The capture queue exists before the broker goes away, as a subscriber's durable queue would.
        await using (var declare = await BrokerQueue.BindAsync(node.Url, exchange, "inventory.#"))
        {
            await node.StopAsync();
            Assert.False(await node.AcceptsConnectionsAsync());
            await using var host = new InventoryHost(configure: factory => factory.WithMessaging(node.Url, exchange));
            for (var i = 0; i < 20; i++)
            {
                await host.CreateItemAsync(InventoryHost.NewSku("DOWN"), 1);
            }

            var health = new Health.HealthClient(host.Channel);
            Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving,
                (await health.CheckAsync(new HealthCheckRequest { Service = HealthNames.Readiness })).Status);
            Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, await RelayStatusAsync(host));

            await node.LaunchAsync();
            var messages = await declare.ReadUntilAsync(received => received.Count >= 20, "the relay catches up after the broker came");
            Assert.Equal(Enumerable.Range(1, 20).Select(i => $"inventory:{i}"), messages.Take(20).Select(m => m.MessageId));
        }
    }

    [BrokerFact]
    public async Task BrokerRestartedTwiceMidStream_EveryEventArrives_FirstDeliveriesInLogOrder()
    {
        await using var node = await RabbitMqNode.StartAsync();
        var exchange = TestBroker.UniqueName("events");
        await using var capture = await BrokerQueue.BindAsync(node.Url, exchange, "inventory.#");
        await using var host = new InventoryHost(configure: factory => factory.WithMessaging(node.Url, exchange));

        const int Total = 300;
        var written = 0;
        var writes = Task.Run(async () =>
        {
            for (var i = 0; i < Total; i++)
            {
                await host.CreateItemAsync(InventoryHost.NewSku("CHAOS"), 1);
                Interlocked.Increment(ref written);
            }
        });
        for (var restart = 0; restart < 2; restart++)
        {
            var before = (restart + 1) * 80;
            await Eventually.HoldsAsync(() => Task.FromResult(Volatile.Read(ref written) >= before), $"{before} events were committed");
            await node.StopAsync();
            Assert.False(await node.AcceptsConnectionsAsync());
            await Task.Delay(300);
            await node.LaunchAsync();
        }

        await writes;
        var messages = await capture.ReadUntilAsync(
            // Two broker boots on a loaded two-core runner (image builds beside it) took more than 90 s once.
            received => received.Select(m => m.MessageId).Distinct().Count() >= Total, "every event arrives despite the restarts", TimeSpan.FromSeconds(180));

        // At least once: a batch published but not confirmed before a restart comes again. Its
        // first appearances still follow the log.
        var firstSeen = messages.Select(m => m.MessageId).Distinct().ToList();
        Assert.Equal(Enumerable.Range(1, Total).Select(i => $"inventory:{i}"), firstSeen);
    }

    [BrokerFact]
    public async Task Retention_KeepsEveryEventTheRelayHasNotPublished_AndPrunesThemOnceTheBrokerConfirmed()
    {
        await using var node = RabbitMqNode.Create(); // not started: the broker is down
        await using var host = new InventoryHost(configure: factory => factory.WithMessaging(node.Url, TestBroker.UniqueName("events")));
        for (var i = 0; i < 3; i++)
        {
            await host.CreateItemAsync(InventoryHost.NewSku("OLD"), 1);
        }

        host.Time.Advance(TimeSpan.FromDays(400)); // far beyond the 30-day retention
        var pruner = host.Factory.Services.GetServices<IHostedService>().OfType<EventLogPruner>().Single();
        Assert.Equal(0, await pruner.PruneOnceAsync(CancellationToken.None));
        Assert.Equal(3, (await host.EventsAfterAsync(0)).Count);

        await node.LaunchAsync();
        var metrics = host.Factory.Services.GetRequiredService<MessagingMetrics>();
        await Eventually.HoldsAsync(() => Task.FromResult(metrics.StateOf("inventory") is { Active: true, LagEvents: 0 }),
            "the relay published the backlog", TimeSpan.FromSeconds(60));
        // The relay stores the confirmed position within a checkpoint interval of catching up; from then on retention may take them.
        var pruned = 0;
        await Eventually.HoldsAsync(async () => (pruned += await pruner.PruneOnceAsync(CancellationToken.None)) == 3,
            "retention pruned the three published events", TimeSpan.FromSeconds(10));
    }

    private static async Task<HealthCheckResponse.Types.ServingStatus> RelayStatusAsync(InventoryHost host) =>
        (await new Health.HealthClient(host.Channel).CheckAsync(new HealthCheckRequest { Service = HealthNames.Relay })).Status;
}
