using Grpc.Core;
using Mesh.Inventory.V1;
using Mesh.Launcher;
using Mesh.Orders.V1;
using Mesh.Testing;
using Mesh.Testing.Messaging;
using Mesh.Users.V1;
using Microsoft.Data.Sqlite;
using RabbitMQ.Client;
using Xunit.Abstractions;

namespace Mesh.CrossService.Tests.Messaging;

/// <summary>
/// The mesh as the launcher runs it, on a RabbitMQ node of the test's own, users on the broker
/// transport, while 10,000 orders go through: the broker is stopped once and killed once mid-stream,
/// and the users process is killed with SIGKILL while it works through its queue. Afterwards every
/// order event reached the broker (first deliveries in log order), each user's statistics are
/// exactly what the orders log says (nothing lost, nothing counted twice), and the relay's
/// checkpoint is the log's head.
/// </summary>
[Collection(BrokerChaosCollection.Name)]
public sealed class BrokerChaosTests(ITestOutputHelper output)
{
    private const int Orders = 10_000;
    private const int InFlight = 16;
    private const long Price = 250;

    [BrokerFact]
    public async Task TenThousandOrders_BrokerRestartedTwice_ConsumerKilled_EveryEventOnceInOrder()
    {
        await using var node = await RabbitMqNode.StartAsync();
        var exchange = TestBroker.UniqueName("events");
        await using var capture = await BrokerQueue.BindAsync(node.Url, exchange, "orders.#");
        var dataDirectory = Directory.CreateTempSubdirectory("mesh-broker-chaos-").FullName;
        var usersQueue = TestBroker.UniqueName("order-stats");
        var options = BrokerMesh.Options(node.Url, exchange, usersQueue, dataDirectory);
        try
        {
            using var timeout = Deadlines.After(900);
            await using var mesh = await MeshLauncher.StartAsync(options, timeout.Token);
            using var clients = new MeshClients(mesh);
            var (users, inventory, orders) = (clients.Users, clients.Inventory, clients.Orders);
            var buyers = new List<string>();
            for (var i = 0; i < 40; i++)
            {
                buyers.Add((await TestData.CreateUserAsync(users)).UserId);
            }

            var skus = new List<string>();
            for (var i = 0; i < 8; i++)
            {
                skus.Add((await TestData.CreateItemAsync(inventory, Price, quantity: Orders)).Sku);
            }

            var load = new OrderLoad(orders, buyers, skus);
            var placing = load.RunAsync(Orders, timeout.Token);

            // The broker goes away twice while events flow: stopped, then killed as a crash would.
            await load.WaitForConfirmedAsync(2_000, placing);
            await node.StopAsync();
            Assert.False(await node.AcceptsConnectionsAsync());
            await node.LaunchAsync();
            await load.WaitForConfirmedAsync(4_500, placing);
            node.Kill();
            Assert.False(await node.AcceptsConnectionsAsync());
            await node.LaunchAsync();

            // The consumer dies at once (SIGKILL) while its queue holds a backlog (the relay catching up
            // on what was committed while the broker was down), so with deliveries in hand.
            var backlog = await BacklogAsync(node.Url, usersQueue, timeout.Token);
            await mesh.StopServiceAsync(MeshService.Users, StopSignal.Kill, timeout.Token);
            output.WriteLine($"users killed with {backlog} messages waiting in its queue, {load.Confirmed} orders confirmed");
            await mesh.StartServiceAsync(MeshService.Users, extraEnvironment: null, timeout.Token);

            await placing;
            output.WriteLine($"{load.Confirmed} orders confirmed, {load.Failed} calls failed ({load.Failures})");
            Assert.Equal(Orders, load.Confirmed);

            var log = await OrderLog.ReadAfterAsync(orders);
            var head = log[^1].Sequence;
            Assert.Equal(Enumerable.Range(1, (int)head).Select(i => (long)i), log.Select(e => e.Sequence));

            // Every event reaches the broker; a batch published but not confirmed before a restart comes
            // again, and its first appearances still follow the log.
            var seen = new HashSet<string>();
            var read = 0;
            var messages = await capture.ReadUntilAsync(received =>
            {
                for (; read < received.Count; read++)
                {
                    seen.Add(received[read].MessageId ?? string.Empty);
                }

                return seen.Count >= head;
            }, "every order event arrives despite the restarts", TimeSpan.FromSeconds(300));
            var firstSeen = messages.Select(m => m.MessageId).Distinct().ToList();
            Assert.Equal(log.Select(e => $"orders:{e.Sequence}"), firstSeen);
            output.WriteLine($"{head} events, {messages.Count - head} of them delivered twice");

            // Exactly once: each user's statistics are what the orders log says.
            foreach (var buyer in buyers)
            {
                var expected = Expected(log, buyer);
                await Eventually.HoldsAsync(async () => Describe(await BrokerMesh.StatsAsync(users, buyer)) == expected,
                    $"user {buyer}'s statistics reach {expected}", TimeSpan.FromSeconds(180));
            }

            await Eventually.HoldsAsync(() => Task.FromResult(RelayCheckpoint(dataDirectory) == head),
                $"the relay's checkpoint reaches the head ({head})", TimeSpan.FromSeconds(60));
        }
        finally
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    // Waits until the queue has messages waiting beyond the consumer's prefetch; returns how many.
    private static async Task<uint> BacklogAsync(string url, string queue, CancellationToken cancellationToken)
    {
        await using var connection = await new ConnectionFactory { Uri = new Uri(url), AutomaticRecoveryEnabled = false }.CreateConnectionAsync(cancellationToken);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
        var refused = "none";
        while (true)
        {
            // A channel per look: a queue not yet back after the restart closes the channel that asked.
            await using (var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken))
            {
                try
                {
                    var waiting = (await channel.QueueDeclarePassiveAsync(queue, cancellationToken)).MessageCount;
                    if (waiting > 0)
                    {
                        return waiting;
                    }
                }
                catch (RabbitMQ.Client.Exceptions.OperationInterruptedException exception)
                {
                    refused = exception.Message;
                }
            }

            Assert.True(DateTime.UtcNow < deadline, $"the users queue {queue} never had a backlog after the broker came back (last refusal: {refused})");
            await Task.Delay(20, cancellationToken);
        }
    }

    // The users service's counting rules, applied to the whole log: confirmed orders count as placed
    // and add their total, cancellations take it back, rejections are counted.
    private static string Expected(IEnumerable<OrderEvent> log, string userId)
    {
        var mine = log.Where(e => e.Order.UserId == userId).ToList();
        var confirmed = mine.Where(e => e.Type == OrderEventType.OrderConfirmed).ToList();
        var cancelled = mine.Where(e => e.Type == OrderEventType.OrderCancelled).ToList();
        var spend = confirmed.Sum(e => e.Order.Total.AmountMinor) - cancelled.Sum(e => e.Order.Total.AmountMinor);
        return $"placed={confirmed.Count} cancelled={cancelled.Count} rejected={mine.Count(e => e.Type == OrderEventType.OrderRejected)} spend={spend}";
    }

    private static string Describe(OrderStats stats) =>
        $"placed={stats.OrdersPlaced} cancelled={stats.OrdersCancelled} rejected={stats.OrdersRejected} spend={stats.LifetimeSpend.Sum(m => m.AmountMinor)}";

    private static long RelayCheckpoint(string dataDirectory)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(dataDirectory, "orders.db")};Mode=ReadOnly;Pooling=false");
        connection.Open();
        using var read = new SqliteCommand("SELECT sequence FROM consumer_cursors WHERE consumer = 'relay.orders';", connection);
        return read.ExecuteScalar() is long sequence ? sequence : 0;
    }

    /// <summary>PlaceOrder from <see cref="InFlight"/> workers until enough orders are confirmed; a failed call (users down) is counted and tried again shortly.</summary>
    private sealed class OrderLoad(OrderService.OrderServiceClient orders, IReadOnlyList<string> buyers, IReadOnlyList<string> skus)
    {
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _failures = new();
        private int _confirmed;
        private int _failed;
        private int _started;

        public int Confirmed => Volatile.Read(ref _confirmed);

        public int Failed => Volatile.Read(ref _failed);

        public string Failures => string.Join(", ", _failures.Select(pair => $"{pair.Key} × {pair.Value}"));

        public Task RunAsync(int total, CancellationToken cancellationToken) =>
            Task.WhenAll(Enumerable.Range(0, InFlight).Select(_ => Task.Run(() => WorkAsync(total, cancellationToken), cancellationToken)));

        public async Task WaitForConfirmedAsync(int count, Task placing)
        {
            while (Confirmed < count)
            {
                if (placing.IsCompleted)
                {
                    await placing; // surfaces why the load stopped
                    return;
                }

                await Task.Delay(20);
            }
        }

        private async Task WorkAsync(int total, CancellationToken cancellationToken)
        {
            int n;
            while ((n = Interlocked.Increment(ref _started)) <= total)
            {
                var request = TestData.PlaceRequest(buyers[n % buyers.Count], skus[n % skus.Count], 1);
                while (true)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    try
                    {
                        // The same request id on a retry: a call that did go through is not placed twice.
                        var placed = await orders.PlaceOrderAsync(request, deadline: Deadlines.Call(), cancellationToken: cancellationToken);
                        Assert.Equal(OrderState.Confirmed, placed.Order.State);
                        Interlocked.Increment(ref _confirmed);
                        break;
                    }
                    catch (RpcException exception) when (exception.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.FailedPrecondition or StatusCode.Aborted)
                    {
                        Interlocked.Increment(ref _failed);
                        _failures.AddOrUpdate($"{exception.StatusCode}", 1, (_, count) => count + 1);
                        await Task.Delay(100, cancellationToken);
                    }
                }
            }
        }
    }
}

/// <summary>The broker chaos test runs alone: it loads both cores for a while, and timing-sensitive tests beside it would suffer.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BrokerChaosCollection
{
    public const string Name = "broker chaos";
}
