using Google.Rpc;
using Grpc.Core;
using Mesh.Inventory.Tests.Support;
using Mesh.Inventory.V1;
using Mesh.Testing;

namespace Mesh.Inventory.Tests.Feeds;

/// <summary>WatchInventory over a real channel, each test on a fresh database so sequences start at 1.</summary>
public abstract class WatchInventoryTests : IAsyncLifetime
{
    private InventoryHost? _created;

    /// <summary>True in the derived class that runs these tests on PostgreSQL.</summary>
    protected abstract bool OnPostgres { get; }

    private InventoryHost Host => _created ?? throw new InvalidOperationException("The host is created in InitializeAsync.");

    public async Task InitializeAsync() => _created = await InventoryHost.CreateAsync(OnPostgres);

    public async Task DisposeAsync()
    {
        if (_created is not null)
        {
            await _created.DisposeAsync();
        }
    }

    /// <summary>Creates <paramref name="skus"/> in order (sequences 1..n on a fresh host).</summary>
    private async Task CreateAsync(params string[] skus)
    {
        foreach (var sku in skus)
        {
            await Host.CreateItemAsync(sku, 10);
        }
    }

    private Task AdjustAsync(string sku, long delta) =>
        Host.Client.AdjustStockAsync(new AdjustStockRequest { RequestId = Guid.NewGuid().ToString(), Sku = sku, Delta = delta, Reason = "delivery" }).ResponseAsync;

    [ContractFact]
    public async Task WatchInventory_EmptyLog_SendsHeartbeatAtZeroThenLiveEvents()
    {
        using var reader = Host.Watch(0);

        await reader.ReadToNextHeartbeatAsync();
        await CreateAsync("A");
        await reader.ReadUntilAsync(r => r.Events.Count == 1);

        Assert.Equal(0, reader.Heartbeats[0].HeadSequence);
        Assert.Equal((1L, InventoryEventType.ItemCreated, "A"), (reader.Events[0].Sequence, reader.Events[0].Type, reader.Events[0].Item.Sku));
    }

    [ContractFact]
    public async Task WatchInventory_FromZero_DeliversTheBacklogInOrderThenAHeartbeatAtTheHead()
    {
        await CreateAsync("A", "B");
        await AdjustAsync("A", 5);

        using var reader = Host.Watch(0);
        await reader.ReadToNextHeartbeatAsync();

        Assert.Equal([1L, 2L, 3L], reader.Events.Select(e => e.Sequence));
        Assert.Equal(["A", "B", "A"], reader.Events.Select(e => e.Item.Sku));
        Assert.Equal(WatchInventoryResponse.KindOneofCase.Heartbeat, reader.Messages[^1].KindCase);
        Assert.Equal(3, reader.Heartbeats.Single().HeadSequence);
        Assert.Equal(15, reader.Events[^1].Item.AvailableQuantity);
    }

    [ContractFact]
    public async Task WatchInventory_MidBacklog_DeliversOnlyLaterEvents()
    {
        await CreateAsync("A", "B", "C", "D");

        using var reader = Host.Watch(2);
        await reader.ReadToNextHeartbeatAsync();

        Assert.Equal([(3L, "C"), (4L, "D")], reader.Events.Select(e => (e.Sequence, e.Item.Sku)));
    }

    [ContractFact]
    public async Task WatchInventory_ExactlyAtHead_SendsHeartbeatFirstThenOnlyLiveEvents()
    {
        await CreateAsync("A", "B");

        using var reader = Host.Watch(2);
        await reader.ReadToNextHeartbeatAsync();
        Assert.Empty(reader.Events);
        await AdjustAsync("B", -1);
        await reader.ReadUntilAsync(r => r.Events.Count == 1);

        Assert.Equal(2, reader.Heartbeats[0].HeadSequence);
        var adjusted = reader.Events.Single();
        Assert.Equal((3L, InventoryEventType.StockAdjusted, -1L, 9L), (adjusted.Sequence, adjusted.Type, adjusted.Quantity, adjusted.Item.AvailableQuantity));
    }

    [ContractFact]
    public async Task WatchInventory_StartAtHead_IgnoresCursorAndFollowsFromTheHead()
    {
        await CreateAsync("A", "B", "C");

        using var reader = Host.Watch(1, startAtHead: true);
        await reader.ReadToNextHeartbeatAsync();
        await CreateAsync("D");
        await reader.ReadUntilAsync(r => r.Events.Count == 1);

        Assert.Equal(WatchInventoryResponse.KindOneofCase.Heartbeat, reader.Messages[0].KindCase);
        Assert.Equal(3, reader.Heartbeats[0].HeadSequence);
        Assert.Equal((4L, "D"), (reader.Events[0].Sequence, reader.Events[0].Item.Sku));
    }

    [ContractFact]
    public async Task WatchInventory_SkuFilter_DeliversOnlyThoseSkusButHeartbeatsTheWholeFeedsHead()
    {
        await CreateAsync("A", "B", "C");
        await AdjustAsync("B", 1);

        using var reader = Host.Watch(0, ["B", "C"]);
        await reader.ReadToNextHeartbeatAsync();
        await AdjustAsync("A", 1);
        await AdjustAsync("C", 2);
        await reader.ReadUntilAsync(r => r.Events.Count == 4);

        Assert.Equal([(2L, "B"), (3L, "C"), (4L, "B"), (6L, "C")], reader.Events.Select(e => (e.Sequence, e.Item.Sku)));
        // Nothing of B or C up to 4 is left out, so 4 is a valid cursor to resume the filtered feed from.
        Assert.Equal(4, reader.Heartbeats[0].HeadSequence);
    }

    [ContractFact]
    public async Task WatchInventory_FilterOnSkuNotCreatedYet_DeliversItsEventsOnceCreated()
    {
        await CreateAsync("A");

        using var reader = Host.Watch(0, ["LATER"]);
        await reader.ReadToNextHeartbeatAsync();
        await CreateAsync("B", "LATER");
        await reader.ReadUntilAsync(r => r.Events.Count == 1);

        Assert.Empty(reader.Messages.TakeWhile(m => m.KindCase == WatchInventoryResponse.KindOneofCase.Event));
        Assert.Equal((3L, InventoryEventType.ItemCreated), (reader.Events[0].Sequence, reader.Events[0].Type));
    }

    [ContractFact]
    public async Task WatchInventory_BacklogLongerThanOnePageWithFilter_DeliversEveryMatchingEventOnceInOrder()
    {
        await using var host = await InventoryHost.CreateAsync(OnPostgres, factory => factory.WithSetting("Mesh:Feeds:PageSize", "3"));
        foreach (var sku in new[] { "A", "B", "C", "D", "E", "F", "G" })
        {
            await host.CreateItemAsync(sku, 1);
        }

        using var all = host.Watch(0);
        using var some = host.Watch(1, ["A", "C", "G"]);
        await all.ReadToNextHeartbeatAsync();
        await some.ReadToNextHeartbeatAsync();

        Assert.Equal([1L, 2L, 3L, 4L, 5L, 6L, 7L], all.Events.Select(e => e.Sequence));
        Assert.Equal([(3L, "C"), (7L, "G")], some.Events.Select(e => (e.Sequence, e.Item.Sku)));
    }

    [ContractFact]
    public async Task WatchInventory_NegativeCursor_FailsInvalidArgumentNamingAfterSequence()
    {
        using var reader = Host.Watch(-1);

        await RpcAssert.InvalidFieldAsync("after_sequence", reader.ReadToNextHeartbeatAsync);
    }

    [ContractFact]
    public async Task WatchInventory_CursorBeyondHead_FailsOutOfRangeCursorBeyondHead()
    {
        await CreateAsync("A", "B");
        using var reader = Host.Watch(3);

        var error = await RpcAssert.FailsAsync(StatusCode.OutOfRange, reader.ReadToNextHeartbeatAsync);

        Assert.Equal("CURSOR_BEYOND_HEAD", RpcAssert.Reason(error));
        Assert.Contains(error.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations, violation => violation.Field == "after_sequence");
    }

    [ContractFact]
    public async Task WatchInventory_CursorBeyondHeadWithStartAtHead_StartsAtTheHead()
    {
        await CreateAsync("A");
        using var reader = Host.Watch(99, startAtHead: true);

        await reader.ReadToNextHeartbeatAsync();

        Assert.Equal(1, reader.Heartbeats[0].HeadSequence);
    }

    [ContractTheory]
    [InlineData("skus[1]", "A", "has space")]
    [InlineData("skus[0]", "", "A")]
    [InlineData("skus[0]", "-dash", "A")]
    [InlineData("skus[1]", "A", "A")]
    public async Task WatchInventory_BadSkuFilter_FailsInvalidArgumentNamingTheEntry(string field, string first, string second)
    {
        using var reader = Host.Watch(0, [first, second]);

        await RpcAssert.InvalidFieldAsync(field, reader.ReadToNextHeartbeatAsync);
    }

    [ContractFact]
    public async Task WatchInventory_101Skus_FailsInvalidArgumentNamingSkus()
    {
        using var reader = Host.Watch(0, Enumerable.Range(0, 101).Select(index => $"S{index}"));

        var badRequest = await RpcAssert.InvalidFieldAsync("skus", reader.ReadToNextHeartbeatAsync);

        Assert.Single(badRequest.FieldViolations);
    }

    [ContractFact]
    public async Task WatchInventory_100DistinctSkus_IsAccepted()
    {
        using var reader = Host.Watch(0, Enumerable.Range(0, 100).Select(index => $"S{index}"));

        await reader.ReadToNextHeartbeatAsync();

        Assert.Equal(0, reader.Heartbeats[0].HeadSequence);
    }
}

public sealed class SqliteWatchInventoryTests : WatchInventoryTests
{
    protected override bool OnPostgres => false;
}

public sealed class PostgresWatchInventoryTests : WatchInventoryTests, IRequiresPostgres
{
    protected override bool OnPostgres => true;
}
