using System.Globalization;
using Mesh.Bench.Load;
using Mesh.Bench.Report;
using Mesh.Bench.Setup;
using Mesh.Orders.V1;

namespace Mesh.Bench.Scenarios;

/// <summary>
/// Scenario 3: PlaceOrder end to end (orders → users GetUser, inventory reserve and commit, three
/// SQLite databases written). First the most it sustains (closed loop), then a sweep of fixed
/// arrival rates (open loop) for the latency-versus-load plot and the p99-at-1,000/s target.
/// </summary>
public static class PlaceOrderScenario
{
    /// <summary>Past this p99 the mesh is saturated: higher rates would only queue longer, so the sweep stops.</summary>
    private const double SaturatedP99Ms = 2_000;

    private const int OpenLoopMaxInFlight = 1_024;

    public static async Task RunAsync(BenchContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        using var channels = context.Channels(MeshTarget.OrdersName);
        var call = Call(context, channels);

        // No scenario before this one places orders: its paths in all three services are still to compile.
        BenchContext.Say("PlaceOrder warm-up, not measured");
        var warmUp = await CompiledWarmUp.RunAsync(call, context.Profile.Concurrency, context.Mesh.Pids(), context.Profile, context.CancellationToken).ConfigureAwait(false);
        BenchContext.Say($"PlaceOrder {warmUp.Describe()}");

        BenchContext.Say($"PlaceOrder max throughput (closed loop, {context.Profile.Concurrency} in flight)");
        double maximum;
        await using (var monitor = context.StartMonitor())
        {
            var result = await ClosedLoop.RunAsync(call, context.Profile.Concurrency, context.Profile.Warmup, context.Profile.Measure, context.CancellationToken, monitor.RestartCpu).ConfigureAwait(false);
            context.Add(ScenarioRow.Measured("place-order-closed", "PlaceOrder, max throughput", result, await monitor.StopAsync().ConfigureAwait(false), warmUp.Describe()));
            maximum = result.ThroughputPerSecond;
        }

        foreach (var concurrency in context.Profile.ExtraPlaceOrderConcurrency)
        {
            BenchContext.Say($"PlaceOrder max throughput (closed loop, {concurrency} in flight)");
            await using var monitor = context.StartMonitor();
            var result = await ClosedLoop.RunAsync(call, concurrency, context.Profile.Warmup, context.Profile.Measure, context.CancellationToken, monitor.RestartCpu).ConfigureAwait(false);
            context.Add(ScenarioRow.Measured($"place-order-closed-{concurrency}", $"PlaceOrder, max throughput, {concurrency} in flight", result, await monitor.StopAsync().ConfigureAwait(false)));
            maximum = Math.Max(maximum, result.Failed == 0 ? result.ThroughputPerSecond : 0);
        }

        string? saturatedAt = null;
        foreach (var rate in SweepRates(context.Profile, maximum))
        {
            var key = string.Create(CultureInfo.InvariantCulture, $"place-order-open-{rate:0}");
            var title = string.Create(CultureInfo.InvariantCulture, $"PlaceOrder at {rate:0}/s");
            // The target's rate always runs, saturated or not: its verdict must be measured, never assumed.
            if (saturatedAt is not null && rate != TargetEvaluator.PlaceOrderP99Rate)
            {
                context.Add(ScenarioRow.NotRun(key, title, $"saturated at {saturatedAt}/s already"));
                continue;
            }

            BenchContext.Say($"{title} (open loop, latency from the intended start)");
            await using var monitor = context.StartMonitor();
            var warmup = TimeSpan.FromTicks(Math.Min(context.Profile.Warmup.Ticks, TimeSpan.FromSeconds(1).Ticks));
            var result = await OpenLoop.RunAsync(call, rate, warmup, context.Profile.SweepMeasure, OpenLoopMaxInFlight, context.CancellationToken, onMeasuring: monitor.RestartCpu).ConfigureAwait(false);
            context.Add(ScenarioRow.Measured(key, title, result, await monitor.StopAsync().ConfigureAwait(false)));
            if (saturatedAt is null && (result.Latency.P99Ms > SaturatedP99Ms || result.ErrorsByStatus.ContainsKey("NOT_SENT") || result.ThroughputPerSecond < 0.9 * rate))
            {
                saturatedAt = rate.ToString("0", CultureInfo.InvariantCulture);
            }
        }
    }

    /// <summary>The fixed rates plus fractions of the measured maximum (rounded to 10/s), ascending.</summary>
    private static IReadOnlyList<double> SweepRates(BenchProfile profile, double maximum) =>
        [.. profile.SweepRates
            .Concat(profile.SweepFractions.Select(fraction => Math.Max(10, Math.Round(fraction * maximum / 10) * 10)))
            .Distinct()
            .Order()];

    /// <summary>One order of one unit, rotating over the bench users and items; anything but CONFIRMED is an error.</summary>
    public static LoadCall Call(BenchContext context, ChannelSet channels)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Call(context.Data.UserIds, context.Data.Skus, channels);
    }

    /// <summary>The same call against any orders address, rotating over <paramref name="users"/> and <paramref name="skus"/>.</summary>
    public static LoadCall Call(IReadOnlyList<string> users, IReadOnlyList<string> skus, ChannelSet channels)
    {
        ArgumentNullException.ThrowIfNull(users);
        ArgumentNullException.ThrowIfNull(skus);
        ArgumentNullException.ThrowIfNull(channels);
        var clients = Enumerable.Range(0, channels.Count).Select(i => new OrderService.OrderServiceClient(channels[i])).ToArray();
        return async (sequence, token) =>
        {
            var request = new PlaceOrderRequest
            {
                RequestId = Guid.NewGuid().ToString(),
                UserId = users[(int)(sequence % users.Count)],
                Lines = { new PlaceOrderLine { Sku = skus[(int)(sequence % skus.Count)], Quantity = 1 } },
            };
            var reply = await clients[sequence % clients.Length]
                .PlaceOrderAsync(request, deadline: BenchContext.CallDeadline(), cancellationToken: token).ResponseAsync.ConfigureAwait(false);
            if (reply.Order.State != OrderState.Confirmed)
            {
                throw new UnexpectedAnswerException("ORDER_" + reply.Order.State.ToString().ToUpperInvariant());
            }
        };
    }
}
