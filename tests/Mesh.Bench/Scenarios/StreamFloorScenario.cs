using System.Diagnostics;
using Grpc.Core;
using Mesh.Bench.Echo;
using Mesh.Bench.Load;
using Mesh.Bench.Report;
using Mesh.Bench.V1;

namespace Mesh.Bench.Scenarios;

/// <summary>
/// The floor for the feed: the same number of subscribers on server-streaming calls of the bare
/// echo server, which builds and writes items as fast as flow control lets it, with no storage and
/// no Mesh code. What the feed delivers is compared with this, as the reads are with the unary echo.
/// </summary>
public static class StreamFloorScenario
{
    /// <summary>About the size of an inventory event on the wire.</summary>
    private const int PayloadSize = 96;

    private const int StreamsPerConnection = 25;

    public static async Task RunAsync(BenchContext context, EchoServerProcess echo)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(echo);
        var subscribers = context.Profile.Subscribers;
        var items = context.Profile.StreamFloorItems;
        var title = $"baseline: echo server streaming to {subscribers} subscribers";
        BenchContext.Say($"{title} ({items} items each)");
        using var channels = new ChannelSet(echo.Address, Math.Max(1, (subscribers + StreamsPerConnection - 1) / StreamsPerConnection));
        var lag = new LatencyRecorder();
        long delivered = 0;
        var request = new SubscribeRequest { Count = items, PayloadSize = PayloadSize };

        async Task SubscribeAsync(int index)
        {
            var client = new EchoService.EchoServiceClient(channels[index]);
            try
            {
                using var call = client.Subscribe(request, deadline: DateTime.UtcNow.AddMinutes(2), cancellationToken: context.CancellationToken);
                await foreach (var item in call.ResponseStream.ReadAllAsync(context.CancellationToken).ConfigureAwait(false))
                {
                    lag.RecordValueMicroseconds(((DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) / 10) - item.SendUnixMicros);
                    Interlocked.Increment(ref delivered);
                }
            }
            catch (RpcException exception) when (!context.CancellationToken.IsCancellationRequested)
            {
                lag.RecordError("SUBSCRIBER_" + LatencyRecorder.StatusName(exception));
            }
        }

        await using var monitor = context.StartMonitor(("echo", () => echo.ProcessId));
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, subscribers).Select(SubscribeAsync)).ConfigureAwait(false);
        var elapsed = Stopwatch.GetElapsedTime(started);
        var usage = await monitor.StopAsync().ConfigureAwait(false);
        var expected = (long)items * subscribers;
        var errors = new Dictionary<string, long>(lag.ErrorsByStatus, StringComparer.Ordinal);
        if (delivered < expected)
        {
            errors["MISSING_ITEMS"] = expected - delivered;
        }

        var result = new LoadResult("stream", null, subscribers, Math.Round(elapsed.TotalSeconds, 3), delivered, errors.Values.Sum(), errors,
            Math.Round(delivered / Math.Max(elapsed.TotalSeconds, 1e-9), 1), lag.Summary());
        context.Add(ScenarioRow.Measured("baseline-stream", title + " (lag)", result, usage,
            $"{delivered:N0} items of {PayloadSize} B; the floor for the feed row"));
    }
}
