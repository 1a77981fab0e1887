using System.Globalization;
using Mesh.Bench.Setup;

namespace Mesh.Bench.Report;

/// <summary>The issue's targets, checked against the rows of this run (a missing row is "not run", never "met").</summary>
public static class TargetEvaluator
{
    public const double ReadsShareOfBaseline = 0.75;
    public const double RestShareOfGrpc = 0.5;
    public const double RestP99Ms = 10;
    public const double PlaceOrderPerSecond = 2_000;
    public const double PlaceOrderP99Ms = 25;
    public const double PlaceOrderP99Rate = 1_000;
    public const double FeedEventsPerSecond = 100_000;
    public const double FeedLagP99Ms = 100;
    public const double StartupMs = 1_500;
    public const double RssMb = 150;
    public const double FailoverP99Ms = 100;

    public static IReadOnlyList<TargetCheck> Evaluate(IReadOnlyList<ScenarioRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var byKey = rows.Where(row => row.Ok && row.Load is not null).ToDictionary(row => row.Key, StringComparer.Ordinal);
        var checks = new List<TargetCheck>();
        var baseline = byKey.GetValueOrDefault("baseline-bare");

        foreach (var (key, name) in new[] { ("get-user", "GetUser"), ("get-item", "GetItem") })
        {
            var goal = $">= {ReadsShareOfBaseline:0.00} x baseline echo throughput (same run)";
            if (baseline is null || !byKey.TryGetValue(key, out var read))
            {
                checks.Add(new TargetCheck($"Reads: {name}", goal, "—", "not run"));
                continue;
            }

            var ratio = read.Load!.ThroughputPerSecond / baseline.Load!.ThroughputPerSecond;
            checks.Add(new TargetCheck($"Reads: {name}", goal,
                F($"{read.Load.ThroughputPerSecond:N0}/s = {ratio:0.00} x {baseline.Load.ThroughputPerSecond:N0}/s"),
                Verdict(ratio >= ReadsShareOfBaseline && read.Load.Failed == 0)));
        }

        // REST on the HTTP/1.1 port against gRPC GetItem of the same run.
        if (byKey.TryGetValue(Scenarios.RestScenario.ClosedKey, out var rest) && byKey.TryGetValue("get-item", out var grpcItem))
        {
            var ratio = rest.Load!.ThroughputPerSecond / grpcItem.Load!.ThroughputPerSecond;
            checks.Add(new TargetCheck("REST GetItem (HTTP/1.1)", F($">= {RestShareOfGrpc:0.0} x gRPC GetItem throughput (same run)"),
                F($"{rest.Load.ThroughputPerSecond:N0}/s = {ratio:0.00} x {grpcItem.Load.ThroughputPerSecond:N0}/s"),
                Verdict(ratio >= RestShareOfGrpc && rest.Load.Failed == 0)));
        }
        else
        {
            checks.Add(new TargetCheck("REST GetItem (HTTP/1.1)", F($">= {RestShareOfGrpc:0.0} x gRPC GetItem"), "—", "not run"));
        }

        checks.Add(byKey.TryGetValue(Scenarios.RestScenario.OpenKey, out var restOpen)
            ? new TargetCheck(F($"REST GetItem p99 at {Scenarios.RestScenario.OpenRate:N0}/s (open loop)"), F($"<= {RestP99Ms:0} ms, no errors"),
                F($"p99 {restOpen.Load!.Latency.P99Ms:0.0} ms (p50 {restOpen.Load.Latency.P50Ms:0.0}), {restOpen.Load.Failed} errors"),
                Verdict(restOpen.Load.Latency.P99Ms <= RestP99Ms && restOpen.Load.Failed == 0))
            : new TargetCheck(F($"REST GetItem p99 at {Scenarios.RestScenario.OpenRate:N0}/s"), F($"<= {RestP99Ms:0} ms"), "—", "not run"));

        // Sustained: the best closed-loop run without errors, and the highest open-loop rate that kept up (>= 95 % achieved, p99 <= 1 s).
        var closedRuns = byKey.Values.Where(row => row.Key.StartsWith("place-order-closed", StringComparison.Ordinal)).ToList();
        if (closedRuns.Count == 0)
        {
            checks.Add(new TargetCheck("PlaceOrder sustained", F($">= {PlaceOrderPerSecond:N0} orders/s"), "—", "not run"));
        }
        else
        {
            var best = closedRuns.MaxBy(row => row.Load!.Failed == 0 ? row.Load.ThroughputPerSecond : 0)!;
            var keptUp = byKey.Values
                .Where(row => row.Key.StartsWith("place-order-open-", StringComparison.Ordinal) && row.Load!.Failed == 0
                    && row.Load.ThroughputPerSecond >= 0.95 * row.Load.OfferedPerSecond!.Value && row.Load.Latency.P99Ms <= 1_000)
                .Select(row => row.Load!.OfferedPerSecond!.Value)
                .DefaultIfEmpty(0)
                .Max();
            checks.Add(new TargetCheck("PlaceOrder sustained", F($">= {PlaceOrderPerSecond:N0} orders/s, no errors"),
                F($"{best.Load!.ThroughputPerSecond:N0}/s closed loop ({best.Load.Concurrency} in flight, {best.Load.Failed} errors); open loop kept up to {keptUp:N0}/s"),
                Verdict(best.Load.ThroughputPerSecond >= PlaceOrderPerSecond && best.Load.Failed == 0)));
        }

        var openKey = F($"place-order-open-{PlaceOrderP99Rate:0}");
        checks.Add(byKey.TryGetValue(openKey, out var open)
            ? new TargetCheck(F($"PlaceOrder p99 at {PlaceOrderP99Rate:N0}/s (open loop)"), F($"<= {PlaceOrderP99Ms:0} ms, no errors"),
                F($"p99 {open.Load!.Latency.P99Ms:0.0} ms (p50 {open.Load.Latency.P50Ms:0.0}), {open.Load.Failed} errors"),
                Verdict(open.Load.Latency.P99Ms <= PlaceOrderP99Ms && open.Load.Failed == 0))
            : new TargetCheck(F($"PlaceOrder p99 at {PlaceOrderP99Rate:N0}/s"), F($"<= {PlaceOrderP99Ms:0} ms"), "—", "not run"));

        // Throughput: the best delivered rate of either feed phase (the target's rate caps the first);
        // lag: at the target's rate, where the issue asks for both at once.
        var feeds = byKey.Values.Where(row => row.Key.StartsWith("feed-fanout", StringComparison.Ordinal)).ToList();
        if (feeds.Count > 0)
        {
            var best = feeds.MaxBy(row => row.Load!.ThroughputPerSecond)!;
            checks.Add(new TargetCheck("Feed fan-out throughput", F($">= {FeedEventsPerSecond:N0} events/s across 100 subscribers"),
                F($"{best.Load!.ThroughputPerSecond:N0} events/s across {best.Metric("subscribers"):0} at {best.Load.OfferedPerSecond:N0}/s offered ({best.Metric("events_missing"):0} missing){Floor(byKey)}"),
                Verdict(best.Load.ThroughputPerSecond >= FeedEventsPerSecond && best.Metric("events_missing") == 0)));
        }
        else
        {
            checks.Add(new TargetCheck("Feed fan-out throughput", F($">= {FeedEventsPerSecond:N0} events/s"), "—", "not run"));
        }

        if (byKey.TryGetValue("feed-fanout", out var feed))
        {
            checks.Add(new TargetCheck("Feed fan-out lag", F($"p99 <= {FeedLagP99Ms:0} ms"),
                F($"p99 {feed.Load!.Latency.P99Ms:0.0} ms (p50 {feed.Load.Latency.P50Ms:0.0}, max {feed.Load.Latency.MaxMs:0}) at {feed.Load.ThroughputPerSecond:N0} events/s"),
                Verdict(feed.Load.Latency.P99Ms <= FeedLagP99Ms)));
        }
        else
        {
            checks.Add(new TargetCheck("Feed fan-out lag", F($"p99 <= {FeedLagP99Ms:0} ms"), "—", "not run"));
        }

        foreach (var service in MeshTarget.ServiceNames)
        {
            checks.Add(byKey.TryGetValue("startup-" + service, out var startup)
                ? new TargetCheck($"Start-up: {service}", F($"<= {StartupMs:N0} ms to SERVING"),
                    F($"max {startup.Load!.Latency.MaxMs:0} ms of {startup.Load.Succeeded} (p50 {startup.Load.Latency.P50Ms:0})"),
                    Verdict(startup.Load.Latency.MaxMs <= StartupMs))
                : new TargetCheck($"Start-up: {service}", F($"<= {StartupMs:N0} ms"), "—", "not run"));
        }

        foreach (var service in MeshTarget.ServiceNames)
        {
            var peaks = rows.Where(row => row.Ok && !row.Key.StartsWith("startup", StringComparison.Ordinal))
                .SelectMany(row => row.Resources.Where(usage => usage.Process == service).Select(usage => (row.Scenario, usage.PeakRssMb, usage.PrivateAtPeakMb)))
                .Where(peak => peak.PeakRssMb > 0)
                .ToList();
            if (peaks.Count == 0)
            {
                checks.Add(new TargetCheck($"RSS at load: {service}", F($"<= {RssMb:0} MB"), "—", "not run"));
                continue;
            }

            var worst = peaks.MaxBy(peak => peak.PeakRssMb);
            checks.Add(new TargetCheck($"RSS at load: {service}", F($"<= {RssMb:0} MB"), F($"peak {worst.PeakRssMb:0} MB ({worst.Scenario}), {worst.PrivateAtPeakMb:0} MB of it private"), Verdict(worst.PeakRssMb <= RssMb)));
        }

        var failoverTarget = F($"0 failed calls; p99 in the kill window <= {FailoverP99Ms:0} ms");
        if (byKey.TryGetValue("failover-3-replicas", out var failover) && failover.Ok)
        {
            var load = failover.Load!;
            var p99 = failover.Metric("window_p99_ms");
            checks.Add(new TargetCheck("Failover (3 replicas, one killed)", failoverTarget,
                F($"{load.Failed:N0} failed calls of {load.Succeeded + load.Failed:N0}; kill window p99 {p99:0.0} ms at {load.OfferedPerSecond:0}/s"),
                Verdict(load.Failed == 0 && p99 <= FailoverP99Ms)));
        }
        else
        {
            var skipped = rows.FirstOrDefault(row => row.Key == "failover-3-replicas");
            checks.Add(new TargetCheck("Failover (3 replicas, one killed)", failoverTarget, skipped?.Status ?? "—", "not run"));
        }

        return checks;
    }

    /// <summary>What the bare streaming echo managed in the same run, if it ran.</summary>
    private static string Floor(Dictionary<string, ScenarioRow> byKey) =>
        byKey.TryGetValue("baseline-stream", out var floor)
            ? F($"; streaming echo floor {floor.Load!.ThroughputPerSecond:N0}/s")
            : string.Empty;

    private static string Verdict(bool met) => met ? "met" : "missed";

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
