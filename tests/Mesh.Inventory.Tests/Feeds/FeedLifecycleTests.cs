using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Mesh.Inventory.Tests.Support;
using Mesh.Inventory.V1;
using Mesh.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Mesh.Inventory.Tests.Feeds;

/// <summary>The inventory feed over time: heartbeats, the expiry sweep, retention, shutdown and restart.</summary>
public sealed class FeedLifecycleTests
{
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task WatchInventory_IdleFeed_SendsHeartbeatsCarryingTheHeadEveryInterval()
    {
        using var host = new InventoryHost(configure: factory => factory.WithSetting("Mesh:Feeds:HeartbeatInterval", "00:00:00.100"));
        await host.CreateItemAsync("A", 1);
        using var reader = host.Watch(0);
        await reader.ReadToNextHeartbeatAsync();

        // The streamer keeps time with the service's clock: once an interval has passed on it, an idle stream beats.
        host.Time.Advance(TimeSpan.FromSeconds(1));
        await reader.ReadToNextHeartbeatAsync();

        Assert.Single(reader.Events);
        Assert.Equal([1L, 1L], reader.Heartbeats.Select(heartbeat => heartbeat.HeadSequence));
        Assert.Equal(Timestamp.FromDateTimeOffset(host.Time.GetUtcNow()), reader.Heartbeats[1].SendTime);
        Assert.Equal(
            [WatchInventoryResponse.KindOneofCase.Event, WatchInventoryResponse.KindOneofCase.Heartbeat, WatchInventoryResponse.KindOneofCase.Heartbeat],
            reader.Messages.Select(message => message.KindCase));
    }

    [Fact]
    public async Task ExpirySweep_HoldPastTtl_AnnouncesReservationExpiredPerSkuOnTheFeed()
    {
        using var host = new InventoryHost(configure: factory => factory.WithSetting("Mesh:Inventory:ExpirySweepInterval", "00:00:00.050"));
        await host.CreateItemAsync("A", 10);
        await host.CreateItemAsync("B", 10);
        var id = "order:" + Guid.NewGuid();
        var request = InventoryHost.ReserveRequest(id, ("A", 3), ("B", 1));
        request.Ttl = Duration.FromTimeSpan(TimeSpan.FromSeconds(30));
        await host.Client.ReserveStockAsync(request);
        using var reader = host.Watch(0, startAtHead: true);
        await reader.ReadToNextHeartbeatAsync();

        host.Time.Advance(TimeSpan.FromSeconds(30));
        await reader.ReadUntilAsync(r => r.Events.Count == 2);

        Assert.All(reader.Events, e => Assert.Equal((InventoryEventType.ReservationExpired, id), (e.Type, e.ReservationId)));
        Assert.Equal([("A", 3L, 10L, 0L), ("B", 1L, 10L, 0L)],
            reader.Events.Select(e => (e.Item.Sku, e.Quantity, e.Item.AvailableQuantity, e.Item.ReservedQuantity)));
        Assert.Equal([5L, 6L], reader.Events.Select(e => e.Sequence));
    }

    [Fact]
    public async Task WatchInventory_CursorOlderThanRetention_FailsOutOfRangeCursorExpired()
    {
        using var host = new InventoryHost(configure: factory => factory
            .WithSetting("Mesh:Feeds:Retention", "01:00:00")
            .WithSetting("Mesh:Feeds:PruneInterval", "00:00:00.050"));
        await host.CreateItemAsync("A", 1);
        await host.CreateItemAsync("B", 1);
        host.Time.Advance(TimeSpan.FromHours(2));
        await host.CreateItemAsync("C", 1);

        Assert.True(await WaitForOutcomeAsync(host, 0, StatusCode.OutOfRange), "the events past retention were never pruned");
        using var expired = host.Watch(1);
        var error = await RpcAssert.FailsAsync(StatusCode.OutOfRange, expired.ReadToNextHeartbeatAsync);
        using var oldest = host.Watch(2);
        await oldest.ReadToNextHeartbeatAsync();

        Assert.Equal("CURSOR_EXPIRED", RpcAssert.Reason(error));
        // The newest pruned sequence is still a valid cursor: nothing after it was lost.
        Assert.Equal([(3L, "C")], oldest.Events.Select(e => (e.Sequence, e.Item.Sku)));
    }

    [Fact]
    public async Task WatchInventory_ServerShuttingDown_EndsUnavailableThenResumesOnRestartWithoutGapOrDuplicate()
    {
        var directory = Directory.CreateTempSubdirectory("mesh-inventory-feed-restart-");
        try
        {
            var path = Path.Combine(directory.FullName, "inventory.db");
            var seen = new List<long>();
            using (var first = new InventoryHost(path))
            {
                await first.CreateItemAsync("A", 1);
                await first.CreateItemAsync("B", 1);
                using var reader = first.Watch(0);
                await reader.ReadToNextHeartbeatAsync();
                await first.CreateItemAsync("C", 1);

                first.Factory.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication();
                var error = await reader.ReadToFailureAsync();

                Assert.Equal(StatusCode.Unavailable, error.StatusCode);
                seen.AddRange(reader.Events.Select(e => e.Sequence));
            }

            using var second = new InventoryHost(path);
            await second.CreateItemAsync("D", 1);
            using var resumed = second.Watch(seen[^1]);
            await resumed.ReadToNextHeartbeatAsync();
            seen.AddRange(resumed.Events.Select(e => e.Sequence));

            Assert.Equal([1L, 2L, 3L, 4L], seen);
            Assert.Equal("D", resumed.Events[^1].Item.Sku);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    /// <summary>Polls a watch from <paramref name="afterSequence"/> until it fails with <paramref name="expected"/>; false after <see cref="MaxWait"/>.</summary>
    private static async Task<bool> WaitForOutcomeAsync(InventoryHost host, long afterSequence, StatusCode expected)
    {
        var deadline = DateTime.UtcNow + MaxWait;
        while (DateTime.UtcNow < deadline)
        {
            using var reader = host.Watch(afterSequence);
            try
            {
                await reader.ReadToNextHeartbeatAsync();
            }
            catch (RpcException exception) when (exception.StatusCode == expected)
            {
                return true;
            }

            await Task.Delay(25);
        }

        return false;
    }
}
