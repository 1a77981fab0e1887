using System.Diagnostics;
using Grpc.Core;
using Mesh.Orders.Api;
using Mesh.Orders.Tests.Support;
using Mesh.Orders.V1;
using Mesh.ServiceDefaults.Feeds;
using Mesh.Testing;
using Mesh.Testing.Postgres;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Mesh.Orders.Tests.Api;

/// <summary>ListOrderEvents: pages by cursor, reports the head, and refuses cursors it cannot serve.</summary>
public abstract class ListOrderEventsTests
{
    private readonly IOrdersMeshFixture _fixture;
    private readonly OrdersMesh _mesh;

    protected ListOrderEventsTests(IOrdersMeshFixture fixture)
    {
        ArgumentNullException.ThrowIfNull(fixture);
        _fixture = fixture;
        _mesh = fixture.Mesh;
        _mesh.ClearFaults();
    }

    [ContractFact]
    public async Task ListOrderEvents_PagedByLastSequence_ReturnsEveryEventOnceInOrderThenAnEmptyPage()
    {
        var user = await _mesh.CreateUserAsync();
        var sku = await _mesh.CreateItemAsync(quantity: 10);
        var head = await _mesh.OrderEventHeadAsync();
        for (var i = 0; i < 3; i++)
        {
            await _mesh.Orders.PlaceOrderAsync(Requests.Place(user, (sku, 1)));
        }

        var first = await _mesh.Orders.ListOrderEventsAsync(new ListOrderEventsRequest { AfterSequence = head, PageSize = 4 });
        var second = await _mesh.Orders.ListOrderEventsAsync(new ListOrderEventsRequest { AfterSequence = first.Events[^1].Sequence, PageSize = 4 });
        var third = await _mesh.Orders.ListOrderEventsAsync(new ListOrderEventsRequest { AfterSequence = second.Events[^1].Sequence, PageSize = 4 });

        Assert.Equal(Enumerable.Range(1, 6).Select(i => head + i), first.Events.Concat(second.Events).Select(e => e.Sequence));
        Assert.Equal(4, first.Events.Count);
        Assert.Equal(head + 6, first.HeadSequence);
        Assert.Equal(head + 6, second.HeadSequence);
        Assert.Empty(third.Events);
        Assert.Equal(head + 6, third.HeadSequence);
        Assert.All(first.Events.Concat(second.Events), e => Assert.Equal(user, e.Order.UserId));
    }

    [ContractFact]
    public async Task ListOrderEvents_PlaceOrder_ItsEventsCarryTheTraceOfThePlaceOrderCall()
    {
        var user = await _mesh.CreateUserAsync();
        var sku = await _mesh.CreateItemAsync(quantity: 10);
        var head = await _mesh.OrderEventHeadAsync();
        ActivityTraceId trace;
        using (var caller = new Activity("caller").SetIdFormat(ActivityIdFormat.W3C).Start())
        {
            // The client sends the ambient trace context with the call, as the mesh's clients do.
            caller.ActivityTraceFlags = ActivityTraceFlags.Recorded;
            trace = caller.TraceId;
            await _mesh.Orders.PlaceOrderAsync(Requests.Place(user, (sku, 1)));
        }

        var page = await _mesh.Orders.ListOrderEventsAsync(new ListOrderEventsRequest { AfterSequence = head });
        var events = page.Events.Where(e => e.Order.UserId == user).ToList();

        Assert.Equal([OrderEventType.OrderPlaced, OrderEventType.OrderConfirmed], events.Select(e => e.Type));
        Assert.All(events, e => Assert.Matches($"^00-{trace}-[0-9a-f]{{16}}-01$", e.TraceParent));
    }

    [ContractTheory]
    [InlineData(0)]
    [InlineData(5000)]
    public async Task ListOrderEvents_DefaultOrOversizedPageSize_Accepted(int pageSize)
    {
        var user = await _mesh.CreateUserAsync();
        var sku = await _mesh.CreateItemAsync(quantity: 10);
        var head = await _mesh.OrderEventHeadAsync();
        await _mesh.Orders.PlaceOrderAsync(Requests.Place(user, (sku, 1)));

        var page = await _mesh.Orders.ListOrderEventsAsync(new ListOrderEventsRequest { AfterSequence = head, PageSize = pageSize });

        Assert.Equal([head + 1, head + 2], page.Events.Select(e => e.Sequence));
    }

    [ContractFact]
    public async Task ListOrderEvents_CursorAtHead_EmptyPageWithHead()
    {
        var user = await _mesh.CreateUserAsync();
        var sku = await _mesh.CreateItemAsync(quantity: 10);
        await _mesh.Orders.PlaceOrderAsync(Requests.Place(user, (sku, 1)));
        var head = await _mesh.OrderEventHeadAsync();

        var page = await _mesh.Orders.ListOrderEventsAsync(new ListOrderEventsRequest { AfterSequence = head });

        Assert.Empty(page.Events);
        Assert.Equal(head, page.HeadSequence);
    }

    [ContractFact]
    public async Task ListOrderEvents_CursorBeyondHead_OutOfRangeCursorBeyondHead()
    {
        var head = await _mesh.OrderEventHeadAsync();

        var exception = await RpcAssert.FailsAsync(StatusCode.OutOfRange,
            () => _mesh.Orders.ListOrderEventsAsync(new ListOrderEventsRequest { AfterSequence = head + 1 }).ResponseAsync);

        Assert.Equal("CURSOR_BEYOND_HEAD", RpcAssert.Reason(exception));
    }

    [ContractTheory]
    [InlineData("after_sequence", -1L, 0)]
    [InlineData("after_sequence", long.MinValue, 0)]
    [InlineData("page_size", 0L, -1)]
    public async Task ListOrderEvents_NegativeField_InvalidArgumentNamingIt(string field, long afterSequence, int pageSize)
    {
        await RpcAssert.InvalidFieldAsync(field,
            () => _mesh.Orders.ListOrderEventsAsync(new ListOrderEventsRequest { AfterSequence = afterSequence, PageSize = pageSize }).ResponseAsync);
    }

    [ContractFact]
    public async Task ListOrderEvents_EmptyLog_EmptyPageAtHeadZeroAndAnyCursorBeyondIt()
    {
        using var host = new MeshServiceFactory<OrderGrpcService>()
            .WithSetting("Mesh:Services:Users:Address", "http://127.0.0.1:1")
            .WithSetting("Mesh:Services:Inventory:Address", "http://127.0.0.1:1");
        using var channel = host.CreateChannel();
        var orders = new OrderService.OrderServiceClient(channel);

        var page = await orders.ListOrderEventsAsync(new ListOrderEventsRequest());
        var beyond = await RpcAssert.FailsAsync(StatusCode.OutOfRange,
            () => orders.ListOrderEventsAsync(new ListOrderEventsRequest { AfterSequence = 1 }).ResponseAsync);

        Assert.Empty(page.Events);
        Assert.Equal(0, page.HeadSequence);
        Assert.Equal("CURSOR_BEYOND_HEAD", RpcAssert.Reason(beyond));
    }

    [ContractFact]
    public async Task ListOrderEvents_CursorOlderThanRetention_OutOfRangeCursorExpiredAndRetainedEventsStillServed()
    {
        await using var own = await _fixture.CreateOwnAsync();
        var mesh = own.Mesh;
        var user = await mesh.CreateUserAsync();
        var sku = await mesh.CreateItemAsync(quantity: 10);
        await mesh.Orders.PlaceOrderAsync(Requests.Place(user, (sku, 1)));
        mesh.OrdersClock.Offset = new FeedOptions().Retention + TimeSpan.FromDays(1);
        var recent = (await mesh.Orders.PlaceOrderAsync(Requests.Place(user, (sku, 1)))).Order;

        var pruner = mesh.OrdersHost.Services.GetServices<IHostedService>().OfType<EventLogPruner>().Single();
        var deleted = await pruner.PruneOnceAsync(CancellationToken.None);
        var expired = await RpcAssert.FailsAsync(StatusCode.OutOfRange,
            () => mesh.Orders.ListOrderEventsAsync(new ListOrderEventsRequest { AfterSequence = 1 }).ResponseAsync);
        var retained = await mesh.Orders.ListOrderEventsAsync(new ListOrderEventsRequest { AfterSequence = 2 });

        Assert.Equal(2, deleted);
        Assert.Equal("CURSOR_EXPIRED", RpcAssert.Reason(expired));
        Assert.Contains("resynchronise", expired.Status.Detail, StringComparison.Ordinal);
        Assert.Equal([3L, 4L], retained.Events.Select(e => e.Sequence));
        Assert.All(retained.Events, e => Assert.Equal(recent.OrderId, e.Order.OrderId));
        Assert.Equal(4, retained.HeadSequence);
    }
}

public sealed class SqliteListOrderEventsTests(MeshFixture fixture) : ListOrderEventsTests(fixture), IClassFixture<MeshFixture>;

public sealed class PostgresListOrderEventsTests(PostgresMeshFixture fixture) : ListOrderEventsTests(fixture), IClassFixture<PostgresMeshFixture>, IRequiresPostgres;
