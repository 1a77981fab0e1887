using System.Diagnostics;
using Grpc.Core;
using Mesh.Bench.Load;
using Mesh.Bench.Report;
using Mesh.Bench.Setup;
using Mesh.Inventory.V1;
using Mesh.Orders.V1;
using Mesh.ServiceDefaults.Feeds;
using Mesh.ServiceDefaults.Health;
using Mesh.ServiceDefaults.Messaging;
using Mesh.ServiceDefaults.Storage;
using Mesh.Storage;
using Mesh.Storage.Sqlite;
using Mesh.Testing.Messaging;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Mesh.Bench.Scenarios;

/// <summary>
/// Scenario: messaging through a private RabbitMQ node this run starts (Debian package).
/// (1) Relay throughput: an event log filled with N events before its relay starts, the time until the
/// broker confirmed the last one (the relay's checkpoint reached the head), publisher confirms on.
/// (2) Commit-to-consumer lag: a mesh of its own with the relay on, PlaceOrder at a fixed rate; an
/// AMQP consumer of orders.order.confirmed and a WatchOrderEvents subscriber side by side, each
/// recording receive time minus the event's occur_time (stamped in the commit; same clock).
/// </summary>
public static class MessagingScenario
{
    private const string LogName = "bench";

    public static async Task RunAsync(BenchContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!RabbitMqNode.IsInstalled)
        {
            context.Add(ScenarioRow.NotRun("relay-throughput", "messaging", $"RabbitMQ is not installed ({RabbitMqNode.ServerPath})"));
            return;
        }

        BenchContext.Say("messaging: starting a private RabbitMQ node");
        await using var node = await RabbitMqNode.StartAsync().ConfigureAwait(false);
        await RelayThroughputAsync(context, node).ConfigureAwait(false);
        // The same load with the relays off first: what they cost PlaceOrder and the feed shows beside it.
        await CommitToConsumerLagAsync(context, node, relay: false).ConfigureAwait(false);
        await CommitToConsumerLagAsync(context, node, relay: true).ConfigureAwait(false);
    }

    private static async Task RelayThroughputAsync(BenchContext context, RabbitMqNode node)
    {
        var events = context.Profile.RelayEvents;
        var title = $"messaging: relay of {events:N0} committed events to RabbitMQ (persistent, confirmed)";
        BenchContext.Say(title);
        var directory = Directory.CreateTempSubdirectory("mesh-bench-relay-");
        try
        {
            var schema = new SqliteSchema([SqliteEventLog.Migration(LogName), ConsumerCursors.SqliteMigration]);
            var builder = Host.CreateApplicationBuilder();
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Mesh:Storage:Path"] = Path.Combine(directory.FullName, "relay.db"),
                ["Mesh:Messaging:Url"] = node.Url,
                ["Mesh:Messaging:Exchange"] = "bench.relay." + Guid.NewGuid().ToString("N"),
            });
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            builder.AddMeshSqlite("relay.db", schema);
            builder.AddMeshEventLog(LogName);
            builder.Services.AddSingleton<HealthStatusBoard>();
            builder.AddMeshEventRelay(new RelayedLog(LogName, InventoryEvent.Descriptor, filterKeyHeader: "sku"));
            using var host = builder.Build();

            var database = host.Services.GetRequiredService<SqliteDatabase>();
            await database.MigrateAsync(schema.Migrations).ConfigureAwait(false);
            var log = host.Services.GetRequiredService<IEventLog>();
            await FillAsync(database, log, events, context.CancellationToken).ConfigureAwait(false);

            await using var monitor = context.StartMonitor();
            var started = Stopwatch.GetTimestamp();
            await host.StartAsync(context.CancellationToken).ConfigureAwait(false);
            var head = (await log.PositionAsync(context.CancellationToken).ConfigureAwait(false)).Head;
            while (await database.ReadAsync(session => ConsumerCursors.GetAsync(session, "relay." + LogName), context.CancellationToken).ConfigureAwait(false) < head)
            {
                if (Stopwatch.GetElapsedTime(started) > TimeSpan.FromMinutes(2))
                {
                    throw new TimeoutException("the relay did not reach the head within 2 minutes");
                }

                await Task.Delay(10, context.CancellationToken).ConfigureAwait(false);
            }

            var elapsed = Stopwatch.GetElapsedTime(started);
            var usage = await monitor.StopAsync().ConfigureAwait(false);
            await host.StopAsync(CancellationToken.None).ConfigureAwait(false);

            var recorder = new LatencyRecorder();
            var rate = Math.Round(events / elapsed.TotalSeconds, 1);
            var load = new LoadResult("relay", null, 1, Math.Round(elapsed.TotalSeconds, 3), events, 0, new Dictionary<string, long>(), rate, recorder.Summary());
            context.Add(ScenarioRow.Measured("relay-throughput", title, load, usage,
                "from relay start (connect, declare) to the checkpoint at the head; CPU is the bench process, where the relay runs",
                new Dictionary<string, double> { ["events"] = events, ["events_per_second"] = rate }));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static async Task FillAsync(StoreDatabase database, IEventLog log, int events, CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow;
        for (var written = 0; written < events; written += 1000)
        {
            var count = Math.Min(1000, events - written);
            await database.WriteAsync(async session =>
            {
                for (var i = 0; i < count; i++)
                {
                    var sku = $"BENCH-{(written + i) % 100}";
                    var change = new InventoryEvent
                    {
                        Type = InventoryEventType.StockAdjusted,
                        Item = new Item { Sku = sku, Name = "Bench item", AvailableQuantity = written + i },
                        Quantity = 1,
                        OccurTime = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(now),
                    };
                    await session.AppendAsync(log, sku, change, now).ConfigureAwait(false);
                }
            }, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task CommitToConsumerLagAsync(BenchContext context, RabbitMqNode node, bool relay)
    {
        var profile = context.Profile;
        var rate = profile.MessagingRate ?? profile.FeedWriteRate;
        var title = $"messaging: PlaceOrder at {rate:0}/s, relays {(relay ? "on" : "off")}, order confirmed -> consumer";
        BenchContext.Say(title + " (a mesh of its own)");
        var exchange = "bench.events." + Guid.NewGuid().ToString("N");
        var environment = new Dictionary<string, string>(context.ServiceEnvironment);
        if (relay)
        {
            environment["Mesh__Messaging__Url"] = node.Url;
            environment["Mesh__Messaging__Exchange"] = exchange;
        }

        await using var mesh = await MeshTarget.StartAsync(context.Log, environment, context.CancellationToken).ConfigureAwait(false);
        var data = await BenchData.CreateAsync(mesh, context.CancellationToken).ConfigureAwait(false);

        var brokerLag = new LatencyRecorder();
        var feedLag = new LatencyRecorder();
        long brokerReceived = 0, feedReceived = 0;
        // Events committed during the warm-up are not measured (a fresh mesh is still compiling).
        var measuringFrom = long.MaxValue;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);

        // The broker side: an exclusive queue bound to confirmations only, acknowledged automatically.
        var factory = new ConnectionFactory { Uri = new Uri(node.Url) };
        await using var connection = await factory.CreateConnectionAsync(context.CancellationToken).ConfigureAwait(false);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: context.CancellationToken).ConfigureAwait(false);
        await channel.ExchangeDeclareAsync(exchange, ExchangeType.Topic, durable: true, cancellationToken: context.CancellationToken).ConfigureAwait(false);
        var queue = (await channel.QueueDeclareAsync(string.Empty, durable: false, exclusive: true, autoDelete: true, cancellationToken: context.CancellationToken).ConfigureAwait(false)).QueueName;
        await channel.QueueBindAsync(queue, exchange, "orders.order.confirmed", cancellationToken: context.CancellationToken).ConfigureAwait(false);
        var brokerGate = new Lock();
        var brokerClosed = false;
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, delivery) =>
        {
            var received = DateTimeOffset.UtcNow;
            var confirmed = OrderEvent.Parser.ParseFrom(delivery.Body.Span);
            var occurred = confirmed.OccurTime.ToDateTimeOffset();
            lock (brokerGate)
            {
                // Deliveries go on after the drain gives up; the histogram must not change while it is read.
                if (!brokerClosed && occurred.UtcTicks >= Volatile.Read(ref measuringFrom))
                {
                    brokerLag.RecordValueMicroseconds((received - occurred).Ticks / 10);
                    Interlocked.Increment(ref brokerReceived);
                }
            }

            return Task.CompletedTask;
        };
        await channel.BasicConsumeAsync(queue, autoAck: true, consumer, context.CancellationToken).ConfigureAwait(false);

        // The feed side: WatchOrderEvents from the head, the same events.
        var feedReady = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var feed = Task.Run(async () =>
        {
            var client = new OrderService.OrderServiceClient(mesh.Channel(MeshTarget.OrdersName));
            try
            {
                var head = (await client.ListOrderEventsAsync(new ListOrderEventsRequest { PageSize = 1 }, cancellationToken: stop.Token).ConfigureAwait(false)).HeadSequence;
                using var call = client.WatchOrderEvents(new WatchOrderEventsRequest { AfterSequence = head }, cancellationToken: stop.Token);
                await foreach (var message in call.ResponseStream.ReadAllAsync(stop.Token).ConfigureAwait(false))
                {
                    if (message.KindCase != WatchOrderEventsResponse.KindOneofCase.Event)
                    {
                        feedReady.TrySetResult();
                        continue;
                    }

                    var occurred = message.Event.OccurTime.ToDateTimeOffset();
                    if (message.Event.Type == OrderEventType.OrderConfirmed && occurred.UtcTicks >= Volatile.Read(ref measuringFrom))
                    {
                        feedLag.RecordValueMicroseconds((DateTimeOffset.UtcNow - occurred).Ticks / 10);
                        Interlocked.Increment(ref feedReceived);
                    }
                }
            }
            catch (Exception) when (stop.IsCancellationRequested)
            {
                // The harness ended the stream.
            }
        });
        await feedReady.Task.WaitAsync(TimeSpan.FromSeconds(30), context.CancellationToken).ConfigureAwait(false);

        using var channels = new ChannelSet(mesh.AddressOf(MeshTarget.OrdersName), profile.Channels);
        // A fresh mesh is still compiling: an open loop at the target rate would start behind and
        // measure its own backlog. Orders at full speed first (not measured) until it is compiled.
        BenchContext.Say($"{title}: warm-up, not measured");
        var warmUp = await CompiledWarmUp.RunAsync(
            PlaceOrderScenario.Call(data.UserIds, data.Skus, channels), profile.Concurrency, mesh.Pids(), profile,
            context.CancellationToken).ConfigureAwait(false);
        BenchContext.Say($"{title}: {warmUp.Describe()}");
        var orders = await OpenLoop.RunAsync(
            PlaceOrderScenario.Call(data.UserIds, data.Skus, channels), rate, profile.Warmup, profile.FeedDuration,
            maxInFlight: 512, context.CancellationToken,
            onMeasuring: () => Volatile.Write(ref measuringFrom, DateTimeOffset.UtcNow.UtcTicks)).ConfigureAwait(false);
        var suffix = relay ? "relay-on" : "relay-off";
        context.Add(ScenarioRow.Measured($"messaging-place-order-{suffix}", $"{title}: the PlaceOrder calls", orders, [], warmUp.Describe()));

        var drainUntil = Stopwatch.GetTimestamp() + (long)(15 * Stopwatch.Frequency);
        while (((relay && Interlocked.Read(ref brokerReceived) < orders.Succeeded) || Interlocked.Read(ref feedReceived) < orders.Succeeded)
               && Stopwatch.GetTimestamp() < drainUntil)
        {
            await Task.Delay(50, context.CancellationToken).ConfigureAwait(false);
        }

        await stop.CancelAsync().ConfigureAwait(false);
        await feed.ConfigureAwait(false);
        lock (brokerGate)
        {
            brokerClosed = true;
        }

        if (relay)
        {
            AddLagRow(context, "messaging-lag-broker", title + " via RabbitMQ (lag)", brokerLag, brokerReceived, orders, rate);
        }

        AddLagRow(context, $"messaging-lag-feed-{suffix}", title + " via WatchOrderEvents (lag)", feedLag, feedReceived, orders, rate);
    }

    private static void AddLagRow(BenchContext context, string key, string title, LatencyRecorder lag, long received, LoadResult orders, double rate)
    {
        var missing = Math.Max(0, orders.Succeeded - received);
        var errors = missing > 0 ? new Dictionary<string, long> { ["MISSING_EVENTS"] = missing } : new Dictionary<string, long>();
        var load = new LoadResult("stream", rate, 1, orders.DurationSeconds, received, missing, errors, orders.ThroughputPerSecond, lag.Summary());
        context.Add(ScenarioRow.Measured(key, title, load, [],
            $"{received:N0} of {orders.Succeeded:N0} confirmations received; latency = receive time - occur_time",
            new Dictionary<string, double> { ["lag_p99_ms"] = load.Latency.P99Ms, ["orders_ok"] = orders.Succeeded }));
    }
}
