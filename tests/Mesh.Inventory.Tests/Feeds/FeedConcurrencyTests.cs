using Mesh.Inventory.Tests.Support;
using Mesh.Inventory.V1;

namespace Mesh.Inventory.Tests.Feeds;

/// <summary>
/// Writers racing watchers: every watcher sees every change exactly once in sequence order, each
/// event's item is the state that change left it in, and the last one is what GetItem returns.
/// </summary>
public sealed class FeedConcurrencyTests
{
    private const long Stock = 1_000_000;
    private static readonly string[] Skus = ["W-A", "W-B", "W-C", "W-D"];
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task WatchInventory_ThreeWritersRacingTheSwitchOver_EveryWatcherSeesEveryEventOnceInOrder()
    {
        // Small pages, so the watchers go back and forth between backlog and live many times.
        using var host = new InventoryHost(configure: factory => factory
            .WithSetting("Mesh:Feeds:PageSize", "8")
            .WithSetting("Mesh:Inventory:ExpirySweepInterval", "01:00:00"));
        foreach (var sku in Skus)
        {
            await host.CreateItemAsync(sku, Stock);
        }

        using var early = host.Watch(0);
        var writers = Enumerable.Range(0, 3).Select(writer => Task.Run(() => WriteAsync(host, writer, rounds: 60))).ToList();
        await WaitForHeadAsync(host, 60);
        using var late = host.Watch(0);
        using var filtered = host.Watch(0, [Skus[1]]);
        var written = (await Task.WhenAll(writers).WaitAsync(MaxWait)).Sum();
        var head = await host.HeadAsync();

        await early.ReadUntilAsync(reader => reader.LastSequence == head);
        await late.ReadUntilAsync(reader => reader.LastSequence == head);
        var lastOfFiltered = early.Events.Last(e => e.Item.Sku == Skus[1]).Sequence;
        await filtered.ReadUntilAsync(reader => reader.LastSequence == lastOfFiltered);

        Assert.Equal(Skus.Length + written, head);
        Assert.Equal(Enumerable.Range(1, (int)head).Select(sequence => (long)sequence), early.Events.Select(e => e.Sequence));
        Assert.Equal(early.Events, late.Events);
        Assert.Equal(early.Events.Where(e => e.Item.Sku == Skus[1]), filtered.Events);
        foreach (var sku in Skus)
        {
            var events = early.Events.Where(e => e.Item.Sku == sku).ToList();
            AssertEachSnapshotFollowsFromTheLast(events);
            Assert.Equal(await host.GetItemAsync(sku), events[^1].Item);
        }
    }

    /// <summary>Replays one sku's events: each item snapshot is the previous one moved by the event's quantity.</summary>
    private static void AssertEachSnapshotFollowsFromTheLast(IReadOnlyList<InventoryEvent> events)
    {
        Assert.Equal(InventoryEventType.ItemCreated, events[0].Type);
        var (available, reserved) = (events[0].Item.AvailableQuantity, events[0].Item.ReservedQuantity);
        foreach (var e in events.Skip(1))
        {
            (available, reserved) = e.Type switch
            {
                InventoryEventType.StockAdjusted => (available + e.Quantity, reserved),
                InventoryEventType.StockReserved => (available - e.Quantity, reserved + e.Quantity),
                InventoryEventType.ReservationCommitted => (available, reserved - e.Quantity),
                InventoryEventType.ReservationReleased or InventoryEventType.ReservationExpired => (available + e.Quantity, reserved - e.Quantity),
                _ => throw new Xunit.Sdk.XunitException($"unexpected event {e}"),
            };
            Assert.True((available, reserved) == (e.Item.AvailableQuantity, e.Item.ReservedQuantity), $"event {e.Sequence} does not follow from the one before");
        }
    }

    /// <summary>One writer's random mix of adjustments, reservations, commits and releases; returns how many events it caused.</summary>
    private static async Task<int> WriteAsync(InventoryHost host, int writer, int rounds)
    {
        var random = new Random(writer);
        var events = 0;
        for (var round = 0; round < rounds; round++)
        {
            if (random.Next(3) == 0)
            {
                await host.Client.AdjustStockAsync(new AdjustStockRequest
                {
                    RequestId = Guid.NewGuid().ToString(),
                    Sku = Skus[random.Next(Skus.Length)],
                    Delta = random.Next(2) == 0 ? random.Next(1, 10) : -random.Next(1, 10),
                    Reason = $"writer {writer}",
                });
                events++;
                continue;
            }

            var lines = Skus.OrderBy(_ => random.Next()).Take(random.Next(1, 3)).Select(sku => (sku, (long)random.Next(1, 5))).ToArray();
            var id = $"w{writer}-{round}-{Guid.NewGuid():N}";
            await host.ReserveAsync(id, lines);
            if (random.Next(2) == 0)
            {
                await host.Client.CommitReservationAsync(new CommitReservationRequest { ReservationId = id });
            }
            else
            {
                await host.Client.ReleaseReservationAsync(new ReleaseReservationRequest { ReservationId = id });
            }

            events += 2 * lines.Length;
        }

        return events;
    }

    private static async Task WaitForHeadAsync(InventoryHost host, long atLeast)
    {
        var deadline = DateTime.UtcNow + MaxWait;
        while (await host.HeadAsync() < atLeast)
        {
            Assert.True(DateTime.UtcNow < deadline, "the writers did not get going");
            await Task.Delay(10);
        }
    }
}
