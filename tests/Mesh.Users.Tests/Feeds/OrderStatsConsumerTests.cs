using System.Diagnostics;
using Grpc.Health.V1;
using Mesh.Orders.V1;
using Mesh.ServiceDefaults.Feeds;
using Mesh.ServiceDefaults.Telemetry;
using Mesh.Testing;
using Mesh.Testing.Telemetry;
using Mesh.Users.Feeds;
using Mesh.Users.Storage;
using Mesh.Users.Tests.Support;
using Mesh.Users.V1;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace Mesh.Users.Tests.Feeds;

/// <summary>
/// The order statistics consumer against a fake orders service: catch-up then live, the
/// counting rules, restarts and reconnects without loss or double counting, an unreachable
/// or silent upstream, expired and impossible cursors, and the lag metric.
/// </summary>
public sealed class OrderStatsConsumerTests : IDisposable
{
    private const string Consumer = OrderStatsStore.CursorName;
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("mesh-users-stats-");

    private string DatabasePath => Path.Combine(_directory.FullName, "users.db");

    [Fact]
    public async Task Consumer_BacklogThenLiveEvents_CatchesUpWithPagesThenFollowsTheStream()
    {
        await using var orders = await FakeOrders.StartAsync();
        var users = await SeedUsersAsync(4);
        OrderHistory.AppendRandom(orders.Log, users, orders: 500, new Random(7));
        var backlog = orders.Log.Head;
        Assert.True(backlog > 1000, "the backlog spans several 500-event pages");

        using var host = UsersHost.WithOrders(orders, DatabasePath);

        await WaitUntilThroughAsync(host, users[0], backlog);
        await AssertStatsMatchLogAsync(host, orders.Log, users);
        Assert.Contains("List 500", orders.Log.Requests);
        Assert.Contains("List 1000", orders.Log.Requests);
        Assert.Contains($"Watch {backlog}", orders.Log.Requests);

        OrderHistory.AppendRandom(orders.Log, users, orders: 20, new Random(8));
        await WaitUntilThroughAsync(host, users[0], orders.Log.Head);

        await AssertStatsMatchLogAsync(host, orders.Log, users);
        Assert.Equal(1, orders.Log.Requests.Count(r => r.StartsWith("Watch", StringComparison.Ordinal)));
        Assert.DoesNotContain($"List {orders.Log.Head}", orders.Log.Requests);
    }

    [Fact]
    public async Task Consumer_EventsOfOnePlaceOrder_AreProcessedInASpanOfThatOrdersTrace()
    {
        using var spans = new SpanRecorder(MeshTelemetry.ActivitySourceName);
        await using var orders = await FakeOrders.StartAsync();
        using var host = UsersHost.WithOrders(orders);
        var user = (await CreateUsersAsync(host, 1))[0];
        var (trace, placeOrder) = (ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom());
        var traceParent = $"00-{trace}-{placeOrder}-01";

        var order = OrderHistory.NewOrder(user, "EUR", 500);
        orders.Log.Append(OrderEventType.OrderPlaced, order.Clone(), traceParent);
        order.State = OrderState.Confirmed;
        orders.Log.Append(OrderEventType.OrderConfirmed, order, traceParent);

        var span = await spans.WaitForAsync(s => s.TraceId == trace, "processing the order's events");
        Assert.Equal("process orders events", span.DisplayName);
        Assert.Equal(ActivityKind.Consumer, span.Kind);
        Assert.Equal(placeOrder, span.ParentSpanId);
        Assert.Equal(ActivityStatusCode.Unset, span.Status);
        Assert.All(span.Links, link => Assert.Equal(trace, link.Context.TraceId));
        await WaitUntilThroughAsync(host, user, orders.Log.Head);
    }

    [Fact]
    public async Task GetUser_OrdersInTwoCurrencies_CountsPlacedCancelledRejectedAndNetSpendSortedByCurrency()
    {
        await using var orders = await FakeOrders.StartAsync();
        using var host = UsersHost.WithOrders(orders);
        var user = (await CreateUsersAsync(host, 1))[0];
        OrderHistory.Confirmed(orders.Log, user, "USD", 1_000);
        OrderHistory.Confirmed(orders.Log, user, "EUR", 250);
        OrderHistory.ConfirmedThenCancelled(orders.Log, user, "USD", 400);
        OrderHistory.Rejected(orders.Log, user, "USD", 9_999);
        OrderHistory.Confirmed(orders.Log, user, "USD", 5);

        await WaitUntilThroughAsync(host, user, orders.Log.Head);
        var stats = (await host.Client.GetUserAsync(new GetUserRequest { UserId = user })).OrderStats;

        Assert.Equal(4, stats.OrdersPlaced);
        Assert.Equal(1, stats.OrdersCancelled);
        Assert.Equal(1, stats.OrdersRejected);
        Assert.Equal(["EUR", "USD"], stats.LifetimeSpend.Select(m => m.CurrencyCode));
        Assert.Equal([250L, 1_005], stats.LifetimeSpend.Select(m => m.AmountMinor));
        Assert.Equal(orders.Log.Head, stats.ThroughSequence);
    }

    [Fact]
    public async Task GetUser_NoOrders_ReturnsZeroStatsThroughTheConsumerCursor()
    {
        await using var orders = await FakeOrders.StartAsync();
        using var host = UsersHost.WithOrders(orders);
        var users = await CreateUsersAsync(host, 2);
        OrderHistory.Confirmed(orders.Log, users[0], "USD", 100);

        await WaitUntilThroughAsync(host, users[1], orders.Log.Head);
        var stats = (await host.Client.GetUserAsync(new GetUserRequest { UserId = users[1] })).OrderStats;

        Assert.Equal(new OrderStats { ThroughSequence = 2 }, stats);
    }

    [Fact]
    public async Task Consumer_EventsForUserNotStoredHere_KeepsTheirStats()
    {
        await using var orders = await FakeOrders.StartAsync();
        using var host = UsersHost.WithOrders(orders);
        var stranger = Guid.NewGuid().ToString();
        OrderHistory.Confirmed(orders.Log, stranger, "USD", 700);

        await Eventually.HoldsAsync(async () => (await host.Service<OrderStatsStore>().GetAsync(stranger, CancellationToken.None)).OrdersPlaced == 1,
            "the stats of a user unknown to users are kept");
    }

    [Fact]
    public async Task Consumer_HostRestartedMidStream_NeitherLosesNorDoubleCountsAnEvent()
    {
        await using var orders = await FakeOrders.StartAsync();
        var random = new Random(11);
        var first = UsersHost.WithOrders(orders, DatabasePath);
        var users = await CreateUsersAsync(first, 5);
        OrderHistory.AppendRandom(orders.Log, users, orders: 200, random);
        await WaitUntilThroughAsync(first, users[0], orders.Log.Head);

        // Stop while live events keep arriving, so the stop lands somewhere in the stream.
        var writer = Task.Run(() =>
        {
            for (var burst = 0; burst < 40; burst++)
            {
                OrderHistory.AppendRandom(orders.Log, users, orders: 5, random);
                Thread.Sleep(2);
            }
        });
        await Eventually.HoldsAsync(() => orders.Log.Head > 800, "live events are flowing");
        first.Dispose();
        await writer;

        OrderHistory.AppendRandom(orders.Log, users, orders: 50, random);
        SqliteConnection.ClearAllPools();
        using var second = UsersHost.WithOrders(orders, DatabasePath);
        await WaitUntilThroughAsync(second, users[0], orders.Log.Head);

        await AssertStatsMatchLogAsync(second, orders.Log, users);
    }

    [Fact]
    public async Task Consumer_UpstreamRedeliversEventsAlreadyApplied_CountsThemOnce()
    {
        await using var orders = await FakeOrders.StartAsync();
        using var host = UsersHost.WithOrders(orders);
        var users = await CreateUsersAsync(host, 2);
        OrderHistory.AppendRandom(orders.Log, users, orders: 30, new Random(3));
        await WaitUntilThroughAsync(host, users[0], orders.Log.Head);

        var cursor = orders.Log.Head;

        // From now on every Watch starts 7 events before the cursor it asks for. The reconnect
        // catches up with pages first, so the redelivered events are ones it has just applied.
        orders.Log.WatchRedelivery = 7;
        orders.Log.HoldPagesAfter(cursor);
        orders.Log.EndStreams();
        await Eventually.HoldsAsync(() => orders.Log.CountRequests($"List {cursor}") == 1, "the consumer reconnects");
        OrderHistory.AppendRandom(orders.Log, users, orders: 10, new Random(4));
        var caughtUp = orders.Log.Head;
        orders.Log.ReleasePages();
        await Eventually.HoldsAsync(() => orders.Log.CountRequests($"Watch {caughtUp}") == 1, "the consumer follows the stream again");
        // Stream order: once this later event is applied, the redelivered ones before it were handled.
        OrderHistory.Confirmed(orders.Log, users[1], "USD", 1);
        await WaitUntilThroughAsync(host, users[0], orders.Log.Head);

        await AssertStatsMatchLogAsync(host, orders.Log, users);
    }

    [Fact]
    public async Task Consumer_StreamEndsUnavailable_ResumesFromItsCursorWithoutGap()
    {
        await using var orders = await FakeOrders.StartAsync();
        using var host = UsersHost.WithOrders(orders);
        var users = await CreateUsersAsync(host, 3);
        OrderHistory.AppendRandom(orders.Log, users, orders: 40, new Random(5));
        await WaitUntilThroughAsync(host, users[0], orders.Log.Head);
        var cursor = orders.Log.Head;

        // Hold the reconnect's first page, so the next events are written while the consumer is away.
        orders.Log.HoldPagesAfter(cursor);
        orders.Log.EndStreams();
        await Eventually.HoldsAsync(() => orders.Log.CountRequests($"List {cursor}") == 1, "the reconnect resumes from the stored cursor");
        OrderHistory.AppendRandom(orders.Log, users, orders: 40, new Random(6));
        orders.Log.ReleasePages();
        await WaitUntilThroughAsync(host, users[0], orders.Log.Head);

        await AssertStatsMatchLogAsync(host, orders.Log, users);
    }

    [Fact]
    public async Task Consumer_OrdersUnreachable_ServiceStaysReadyAndGetUserAnswers()
    {
        using var host = UsersHost.WithSettings(realClock: false, (OrderStatsConsumer.AddressKey, "http://127.0.0.1:1"));
        var user = (await CreateUsersAsync(host, 1))[0];
        var health = new Health.HealthClient(host.Channel);

        await Eventually.HoldsAsync(
            async () => (await health.CheckAsync(new HealthCheckRequest { Service = "readiness" })).Status == ServingStatus.Serving,
            "readiness is SERVING although orders is down");
        var response = await host.Client.GetUserAsync(new GetUserRequest { UserId = user });

        Assert.Equal(user, response.User.UserId);
        Assert.Equal(new OrderStats(), response.OrderStats);
        Assert.False(ConsumerOf(host).IsCaughtUp);
        Assert.False(ConsumerOf(host).ExecuteTask!.IsCompleted, "the consumer keeps retrying");
    }

    [Fact]
    public async Task Consumer_OrdersAddressMissing_StaysIdleWhileTheServiceServes()
    {
        using var host = new UsersHost();
        var user = (await CreateUsersAsync(host, 1))[0];

        var response = await host.Client.GetUserAsync(new GetUserRequest { UserId = user });

        Assert.Equal(new OrderStats(), response.OrderStats);
        Assert.True(ConsumerOf(host).ExecuteTask!.IsCompletedSuccessfully);
        Assert.Null(host.Service<FeedConsumerMetrics>().LagOf(Consumer));
    }

    [Fact]
    public async Task Consumer_StreamFallsSilent_ReconnectsAfterThreeHeartbeatIntervals()
    {
        await using var orders = await FakeOrders.StartAsync();
        orders.Log.SendHeartbeats = false;
        using var host = UsersHost.WithOrders(orders, databasePath: null, ("Mesh:Feeds:HeartbeatInterval", "00:00:00.100"));
        var user = (await CreateUsersAsync(host, 1))[0];

        await Eventually.HoldsAsync(() => orders.Log.CountRequests("Watch 0") >= 2, "a silent stream is abandoned and reopened");
        OrderHistory.Confirmed(orders.Log, user, "USD", 42);

        await WaitUntilThroughAsync(host, user, orders.Log.Head);
    }

    [Fact]
    public async Task Consumer_CatchingUp_ReportsLagThenZeroOnceLevel()
    {
        await using var orders = await FakeOrders.StartAsync();
        var userId = Guid.NewGuid().ToString();
        for (var order = 0; order < 600; order++)
        {
            OrderHistory.Confirmed(orders.Log, userId, "USD", 1);
        }

        orders.Log.HoldPagesAfter(500);
        using var host = UsersHost.WithOrders(orders);
        var metrics = host.Service<FeedConsumerMetrics>();

        await Eventually.HoldsAsync(() => metrics.LagOf(Consumer) == 700, "the lag after the first 500-event page of 1,200 is 700");
        orders.Log.ReleasePages();

        await Eventually.HoldsAsync(() => metrics.LagOf(Consumer) == 0 && ConsumerOf(host).IsCaughtUp, "the lag drops to 0 once level");
        Assert.Equal(600, (await host.Service<OrderStatsStore>().GetAsync(userId, CancellationToken.None)).OrdersPlaced);
    }

    [Fact]
    public async Task Consumer_CursorOlderThanOrdersRetention_SkipsToTheRetainedStartAndCountsTheLoss()
    {
        await using var orders = await FakeOrders.StartAsync();
        var userId = Guid.NewGuid().ToString();
        OrderHistory.AppendRandom(orders.Log, [userId], orders: 30, new Random(9));
        const long deleted = 40;
        orders.Log.PruneThrough(deleted);

        using var host = UsersHost.WithOrders(orders);
        var repository = host.Service<OrderStatsStore>();
        await Eventually.HoldsAsync(async () => (await repository.GetAsync(userId, CancellationToken.None)).ThroughSequence == orders.Log.Head,
            "the consumer caught up from the retained start");

        var stats = await repository.GetAsync(userId, CancellationToken.None);
        var retained = orders.Log.All.Where(e => e.Sequence > deleted).ToList();
        Assert.Equal(OrderHistory.Expected(retained, userId), OrderHistory.Describe(Mesh.Users.Api.UserMapper.ToProto(stats)));
        Assert.Equal(deleted, host.Service<OrderStatsMetrics>().SkippedEvents);
        Assert.Contains($"List {deleted}", orders.Log.Requests);
    }

    [Fact]
    public async Task Consumer_CursorBeyondOrdersHead_KeepsStatsAndRetries()
    {
        List<string> users;
        long through;
        await using (var original = await FakeOrders.StartAsync())
        {
            using var first = UsersHost.WithOrders(original, DatabasePath);
            users = await CreateUsersAsync(first, 1);
            OrderHistory.AppendRandom(original.Log, users, orders: 10, new Random(10));
            through = original.Log.Head;
            await WaitUntilThroughAsync(first, users[0], through);
        }

        // Orders comes back with a fresh, shorter log (its database was replaced).
        await using var replaced = await FakeOrders.StartAsync();
        OrderHistory.Confirmed(replaced.Log, users[0], "USD", 1);
        SqliteConnection.ClearAllPools();
        using var second = UsersHost.WithOrders(replaced, DatabasePath);
        var before = (await second.Client.GetUserAsync(new GetUserRequest { UserId = users[0] })).OrderStats;

        await Eventually.HoldsAsync(() => replaced.Log.CountRequests($"List {through}") >= 2, "the consumer retries");

        Assert.Equal(through, before.ThroughSequence);
        Assert.Equal(before, (await second.Client.GetUserAsync(new GetUserRequest { UserId = users[0] })).OrderStats);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _directory.Delete(recursive: true);
    }

    private static OrderStatsConsumer ConsumerOf(UsersHost host) =>
        host.Factory.Services.GetServices<IHostedService>().OfType<OrderStatsConsumer>().Single();

    /// <summary>Creates users in the test's database before any host with a consumer opens it.</summary>
    private async Task<List<string>> SeedUsersAsync(int count)
    {
        using var seeder = UsersHost.OnDatabase(DatabasePath);
        return await CreateUsersAsync(seeder, count);
    }

    private static async Task<List<string>> CreateUsersAsync(UsersHost host, int count)
    {
        var ids = new List<string>();
        for (var index = 0; index < count; index++)
        {
            ids.Add((await host.CreateUserAsync()).UserId);
        }

        return ids;
    }

    private static Task WaitUntilThroughAsync(UsersHost host, string userId, long sequence) =>
        Eventually.HoldsAsync(
            async () => (await host.Client.GetUserAsync(new GetUserRequest { UserId = userId })).OrderStats.ThroughSequence == sequence,
            $"GetUser reports order stats through sequence {sequence}");

    private static async Task AssertStatsMatchLogAsync(UsersHost host, FakeOrderLog log, IEnumerable<string> users)
    {
        var events = log.All;
        foreach (var user in users)
        {
            var stats = (await host.Client.GetUserAsync(new GetUserRequest { UserId = user })).OrderStats;
            Assert.Equal(OrderHistory.Expected(events, user), OrderHistory.Describe(stats));
        }
    }
}
