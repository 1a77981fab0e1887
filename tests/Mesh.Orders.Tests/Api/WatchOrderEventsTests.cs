using Grpc.Core;
using Mesh.Orders.Api;
using Mesh.Orders.Tests.Support;
using Mesh.Orders.V1;
using Mesh.Testing;
using Mesh.Testing.Postgres;

namespace Mesh.Orders.Tests.Api;

/// <summary>WatchOrderEvents: backlog then live from any cursor, per-user filter, heartbeats, bad requests.</summary>
public abstract class WatchOrderEventsTests
{
    private readonly IOrdersMeshFixture _fixture;
    private readonly OrdersMesh _mesh;

    protected WatchOrderEventsTests(IOrdersMeshFixture fixture)
    {
        ArgumentNullException.ThrowIfNull(fixture);
        _fixture = fixture;
        _mesh = fixture.Mesh;
        _mesh.ClearFaults();
    }

    [ContractFact]
    public async Task WatchOrderEvents_FromZero_DeliversTheWholeLogInOrderThenAHeartbeatAtTheHead()
    {
        var user = await _mesh.CreateUserAsync();
        var sku = await _mesh.CreateItemAsync(quantity: 10);
        await _mesh.Orders.PlaceOrderAsync(Requests.Place(user, (sku, 1)));
        var log = await _mesh.OrderEventsAfterAsync(0);

        using var watch = new OrderEventWatch(_mesh.Orders, new WatchOrderEventsRequest());
        var (events, heartbeat) = await watch.UntilHeartbeatAsync();

        Assert.Equal(log, events);
        Assert.Equal(log[^1].Sequence, heartbeat.HeadSequence);
    }

    [ContractFact]
    public async Task WatchOrderEvents_FromTheMiddle_DeliversOnlyLaterEvents()
    {
        var user = await _mesh.CreateUserAsync();
        var sku = await _mesh.CreateItemAsync(quantity: 10);
        var head = await _mesh.OrderEventHeadAsync();
        await _mesh.Orders.PlaceOrderAsync(Requests.Place(user, (sku, 1)));
        var second = (await _mesh.Orders.PlaceOrderAsync(Requests.Place(user, (sku, 1)))).Order;

        using var watch = new OrderEventWatch(_mesh.Orders, new WatchOrderEventsRequest { AfterSequence = head + 2 });
        var (events, heartbeat) = await watch.UntilHeartbeatAsync();

        Assert.Equal([head + 3, head + 4], events.Select(e => e.Sequence));
        Assert.All(events, e => Assert.Equal(second.OrderId, e.Order.OrderId));
        Assert.Equal(head + 4, heartbeat.HeadSequence);
    }

    [ContractFact]
    public async Task WatchOrderEvents_AtTheHead_HeartbeatFirstThenLiveEventsAsTheyHappen()
    {
        var user = await _mesh.CreateUserAsync();
        var sku = await _mesh.CreateItemAsync(quantity: 10);
        var head = await _mesh.OrderEventHeadAsync();

        using var watch = new OrderEventWatch(_mesh.Orders, new WatchOrderEventsRequest { AfterSequence = head });
        var first = await watch.NextAsync();
        var order = (await _mesh.Orders.PlaceOrderAsync(Requests.Place(user, (sku, 1)))).Order;
        var placed = await watch.NextEventAsync();
        var confirmed = await watch.NextEventAsync();

        Assert.Equal(head, first.Heartbeat.HeadSequence);
        Assert.Equal((head + 1, OrderEventType.OrderPlaced), (placed.Sequence, placed.Type));
        Assert.Equal((head + 2, OrderEventType.OrderConfirmed), (confirmed.Sequence, confirmed.Type));
        Assert.Equal(order, confirmed.Order);
    }

    [ContractFact]
    public async Task WatchOrderEvents_UserFilterInAnyCase_DeliversOnlyThatUsersEventsBacklogAndLive()
    {
        var alice = await _mesh.CreateUserAsync();
        var bob = await _mesh.CreateUserAsync();
        var sku = await _mesh.CreateItemAsync(quantity: 10);
        var head = await _mesh.OrderEventHeadAsync();
        var alicesFirst = (await _mesh.Orders.PlaceOrderAsync(Requests.Place(alice, (sku, 1)))).Order;
        await _mesh.Orders.PlaceOrderAsync(Requests.Place(bob, (sku, 1)));

        using var watch = new OrderEventWatch(_mesh.Orders, new WatchOrderEventsRequest { AfterSequence = head, UserId = alice.ToUpperInvariant() });
        var (backlog, heartbeat) = await watch.UntilHeartbeatAsync();
        await _mesh.Orders.PlaceOrderAsync(Requests.Place(bob, (sku, 1)));
        var alicesSecond = (await _mesh.Orders.PlaceOrderAsync(Requests.Place(alice, (sku, 1)))).Order;
        var live = await watch.NextEventAsync();

        Assert.Equal([head + 1, head + 2], backlog.Select(e => e.Sequence));
        Assert.All(backlog, e => Assert.Equal(alicesFirst.OrderId, e.Order.OrderId));
        Assert.Equal(head + 4, heartbeat.HeadSequence);
        Assert.Equal(head + 7, live.Sequence);
        Assert.Equal(alicesSecond.OrderId, live.Order.OrderId);
    }

    [ContractFact]
    public async Task WatchOrderEvents_OpenedWhileOrdersArePlaced_EveryEventOnceAndInOrderAcrossTheSwitchToLive()
    {
        var user = await _mesh.CreateUserAsync();
        var sku = await _mesh.CreateItemAsync(quantity: 1000);
        var head = await _mesh.OrderEventHeadAsync();
        var orders = _mesh.Orders;

        var placing = Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => orders.PlaceOrderAsync(Requests.Place(user, (sku, 1))).ResponseAsync)));
        using var watch = new OrderEventWatch(orders, new WatchOrderEventsRequest { AfterSequence = head });
        var received = new List<OrderEvent>();
        while (received.Count < 40)
        {
            received.Add(await watch.NextEventAsync());
        }

        await placing;
        Assert.Equal(Enumerable.Range(1, 40).Select(i => head + i), received.Select(e => e.Sequence));
        Assert.Equal(await _mesh.OrderEventsAfterAsync(head), received);
        Assert.All(received.GroupBy(e => e.Order.OrderId),
            events => Assert.Equal([OrderEventType.OrderPlaced, OrderEventType.OrderConfirmed], events.Select(e => e.Type)));
    }

    [ContractTheory]
    [InlineData("user_id", 0L, "not-a-uuid")]
    [InlineData("user_id", 0L, "0b6f1c1e8d3a4c389b1f2f6a3c1d9e42")]
    [InlineData("after_sequence", -1L, "")]
    public async Task WatchOrderEvents_MalformedRequest_InvalidArgumentNamingTheField(string field, long afterSequence, string userId)
    {
        using var watch = new OrderEventWatch(_mesh.Orders, new WatchOrderEventsRequest { AfterSequence = afterSequence, UserId = userId });

        await RpcAssert.InvalidFieldAsync(field, () => watch.Stream.MoveNext());
    }

    [ContractFact]
    public async Task WatchOrderEvents_CursorBeyondHead_OutOfRangeCursorBeyondHead()
    {
        var head = await _mesh.OrderEventHeadAsync();
        using var watch = new OrderEventWatch(_mesh.Orders, new WatchOrderEventsRequest { AfterSequence = head + 1 });

        var exception = await RpcAssert.FailsAsync(StatusCode.OutOfRange, () => watch.Stream.MoveNext());

        Assert.Equal("CURSOR_BEYOND_HEAD", RpcAssert.Reason(exception));
    }

    [ContractFact]
    public async Task WatchOrderEvents_IdleFeed_HeartbeatsAtTheConfiguredInterval()
    {
        await using var own = await _fixture.CreateOwnAsync(new Dictionary<string, string> { ["Mesh:Feeds:HeartbeatInterval"] = "00:00:00.200" });
        using var channel = own.Mesh.OrdersHost.CreateChannel();
        using var watch = new OrderEventWatch(new OrderService.OrderServiceClient(channel), new WatchOrderEventsRequest());

        var first = await watch.NextAsync();
        var second = await watch.NextAsync();
        var third = await watch.NextAsync();

        Assert.All([first, second, third], message => Assert.Equal(WatchOrderEventsResponse.KindOneofCase.Heartbeat, message.KindCase));
        Assert.All([first, second, third], message => Assert.Equal(0, message.Heartbeat.HeadSequence));
        Assert.True(second.Heartbeat.SendTime.ToDateTimeOffset() - first.Heartbeat.SendTime.ToDateTimeOffset() >= TimeSpan.FromMilliseconds(150),
            "heartbeats came faster than the interval");
        Assert.True(third.Heartbeat.SendTime > second.Heartbeat.SendTime);
    }

    [ContractFact]
    public async Task WatchOrderEvents_ServerShutsDown_UnavailableThenResumesOnTheNextServerWithoutAGap()
    {
        await using var own = await _fixture.CreateOwnAsync();
        var mesh = own.Mesh;
        var user = await mesh.CreateUserAsync();
        var sku = await mesh.CreateItemAsync(quantity: 10);
        await mesh.Orders.PlaceOrderAsync(Requests.Place(user, (sku, 1)));
        using var firstChannel = mesh.OrdersHost.CreateChannel();
        using var first = new OrderEventWatch(new OrderService.OrderServiceClient(firstChannel), new WatchOrderEventsRequest());
        var (seen, _) = await first.UntilHeartbeatAsync();

        mesh.RestartOrders();
        var ended = await RpcAssert.FailsAsync(StatusCode.Unavailable, () => first.Stream.MoveNext());
        var missed = (await mesh.Orders.PlaceOrderAsync(Requests.Place(user, (sku, 1)))).Order;
        using var resumed = new OrderEventWatch(mesh.Orders, new WatchOrderEventsRequest { AfterSequence = seen[^1].Sequence });
        var (events, _) = await resumed.UntilHeartbeatAsync();

        Assert.Contains("resume", ended.Status.Detail, StringComparison.Ordinal);
        Assert.Equal([3L, 4L], events.Select(e => e.Sequence));
        Assert.All(events, e => Assert.Equal(missed.OrderId, e.Order.OrderId));
    }
}

public sealed class SqliteWatchOrderEventsTests(MeshFixture fixture) : WatchOrderEventsTests(fixture), IClassFixture<MeshFixture>;

public sealed class PostgresWatchOrderEventsTests(PostgresMeshFixture fixture) : WatchOrderEventsTests(fixture), IClassFixture<PostgresMeshFixture>, IRequiresPostgres;
