using System.Diagnostics;
using Grpc.Core;
using Mesh.Bench.Load;
using Mesh.Bench.Report;
using Mesh.Bench.Setup;
using Mesh.Inventory.V1;

namespace Mesh.Bench.Scenarios;

/// <summary>
/// Scenario 4: feed fan-out. N subscribers watch one item on WatchInventory; one writer changes its
/// stock (AdjustStock +1, one event each) at a fixed rate. Delivered events per second counts every
/// event every subscriber received, from the first delivery to the last; lag is the subscriber's
/// receive time minus the event's occur_time, which inventory stamps in the write transaction (same
/// machine, same clock; occur_time has millisecond resolution, so lag reads up to 1 ms high).
/// </summary>
public static class FeedFanoutScenario
{
    /// <summary>Streams per HTTP/2 connection; Kestrel allows 100, and fewer spreads the frame writing.</summary>
    private const int StreamsPerConnection = 25;

    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(15);

    /// <summary>
    /// First at the target's rate (lag is judged there), then, when the profile asks, at a higher
    /// rate: an offered rate caps what can be delivered, so capacity needs more than the target offers.
    /// </summary>
    public static async Task RunAsync(BenchContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        await RunPhaseAsync(context, context.Profile.FeedWriteRate, string.Empty).ConfigureAwait(false);
        if (context.Profile.FeedCapacityWriteRate is double capacity)
        {
            await RunPhaseAsync(context, capacity, "-capacity").ConfigureAwait(false);
        }
    }

    private static async Task RunPhaseAsync(BenchContext context, double writeRate, string keySuffix)
    {
        var profile = context.Profile;
        var subscribers = profile.Subscribers;
        var title = $"feed: {subscribers} subscribers on WatchInventory, {writeRate:0} writes/s";
        BenchContext.Say($"{title} (one writer, AdjustStock)");

        using var channels = new ChannelSet(context.Mesh.AddressOf(MeshTarget.InventoryName), Math.Max(1, (subscribers + StreamsPerConnection - 1) / StreamsPerConnection));
        var lag = new LatencyRecorder();
        var counts = new long[subscribers];
        long delivered = 0, firstDelivery = 0, lastDelivery = 0, outOfOrder = 0;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
        var ready = Enumerable.Range(0, subscribers).Select(_ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();
        var request = new WatchInventoryRequest { Skus = { context.Data.FeedSku }, StartAtHead = true };

        async Task SubscribeAsync(int index)
        {
            var client = new InventoryService.InventoryServiceClient(channels[index]);
            long lastSequence = 0;
            try
            {
                using var call = client.WatchInventory(request, cancellationToken: stop.Token);
                await foreach (var message in call.ResponseStream.ReadAllAsync(stop.Token).ConfigureAwait(false))
                {
                    if (message.KindCase != WatchInventoryResponse.KindOneofCase.Event)
                    {
                        ready[index].TrySetResult(); // the first heartbeat: caught up to the head, now live
                        continue;
                    }

                    var received = DateTimeOffset.UtcNow;
                    var now = Stopwatch.GetTimestamp();
                    lag.RecordValueMicroseconds((received - message.Event.OccurTime.ToDateTimeOffset()).Ticks / 10);
                    if (message.Event.Sequence <= lastSequence)
                    {
                        Interlocked.Increment(ref outOfOrder);
                    }

                    lastSequence = message.Event.Sequence;
                    Interlocked.Increment(ref counts[index]);
                    Interlocked.Increment(ref delivered);
                    Interlocked.CompareExchange(ref firstDelivery, now, 0);
                    InterlockedMax(ref lastDelivery, now);
                }

                lag.RecordError("STREAM_ENDED");
            }
            catch (Exception exception) when (stop.IsCancellationRequested)
            {
                _ = exception; // the harness ended the stream
            }
            catch (Exception exception)
            {
                lag.RecordError("SUBSCRIBER_" + LatencyRecorder.StatusName(exception));
                ready[index].TrySetException(exception);
            }
        }

        await using var monitor = context.StartMonitor();
        var subscriptions = Enumerable.Range(0, subscribers).Select(SubscribeAsync).ToArray();
        await Task.WhenAll(ready.Select(r => r.Task)).WaitAsync(ReadyTimeout, context.CancellationToken).ConfigureAwait(false);

        using var writerChannel = new ChannelSet(context.Mesh.AddressOf(MeshTarget.InventoryName), 1);
        var writer = new InventoryService.InventoryServiceClient(writerChannel[0]);
        var sku = context.Data.FeedSku;
        var writes = await OpenLoop.RunAsync(
            (_, token) => writer.AdjustStockAsync(
                new AdjustStockRequest { RequestId = Guid.NewGuid().ToString(), Sku = sku, Delta = 1, Reason = "bench feed fan-out" },
                deadline: BenchContext.CallDeadline(), cancellationToken: token).ResponseAsync,
            writeRate,
            TimeSpan.Zero,
            profile.FeedDuration,
            maxInFlight: 256,
            context.CancellationToken,
            onMeasuring: monitor.RestartCpu).ConfigureAwait(false);

        // Every subscriber should see every successful write; give the tail time to arrive.
        var drainUntil = Stopwatch.GetTimestamp() + (long)(DrainTimeout.TotalSeconds * Stopwatch.Frequency);
        while (AnyBehind(counts, writes.Succeeded) && Stopwatch.GetTimestamp() < drainUntil)
        {
            await Task.Delay(50, context.CancellationToken).ConfigureAwait(false);
        }

        await stop.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(subscriptions).ConfigureAwait(false);
        var usage = await monitor.StopAsync().ConfigureAwait(false);

        var expected = writes.Succeeded * subscribers;
        var missing = Math.Max(0, expected - delivered);
        var errors = new Dictionary<string, long>(lag.ErrorsByStatus, StringComparer.Ordinal);
        if (missing > 0)
        {
            errors["MISSING_EVENTS"] = missing;
        }

        var span = lastDelivery > firstDelivery ? Stopwatch.GetElapsedTime(firstDelivery, lastDelivery) : profile.FeedDuration;
        var fanout = new LoadResult(
            "stream",
            writeRate * subscribers,
            subscribers,
            Math.Round(span.TotalSeconds, 3),
            delivered,
            errors.Values.Sum(),
            errors,
            Math.Round(delivered / Math.Max(span.TotalSeconds, 1e-9), 1),
            lag.Summary());
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["subscribers"] = subscribers,
            ["writes_ok"] = writes.Succeeded,
            ["events_expected"] = expected,
            ["events_delivered"] = delivered,
            ["events_missing"] = missing,
            ["events_out_of_order"] = outOfOrder,
            ["events_per_second"] = fanout.ThroughputPerSecond,
            ["lag_p99_ms"] = fanout.Latency.P99Ms,
        };
        context.Add(ScenarioRow.Measured("feed-fanout" + keySuffix, title + " (lag)", fanout, usage,
            $"{delivered:N0} of {expected:N0} events delivered; offered/s = writes/s x subscribers", metrics));
        context.Add(ScenarioRow.Measured("feed-writer" + keySuffix, $"feed: the writer's AdjustStock calls, {writeRate:0}/s offered", writes, usage, "CPU per call includes its fan-out"));
    }

    private static bool AnyBehind(long[] counts, long expected)
    {
        for (var i = 0; i < counts.Length; i++)
        {
            if (Interlocked.Read(ref counts[i]) < expected)
            {
                return true;
            }
        }

        return false;
    }

    private static void InterlockedMax(ref long target, long value)
    {
        var seen = Volatile.Read(ref target);
        while (value > seen)
        {
            var previous = Interlocked.CompareExchange(ref target, value, seen);
            if (previous == seen)
            {
                return;
            }

            seen = previous;
        }
    }
}
