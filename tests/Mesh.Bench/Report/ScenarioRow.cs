using Mesh.Bench.Load;
using Mesh.Bench.Measure;

namespace Mesh.Bench.Report;

/// <summary>One line of the results table (and one object of the JSON).</summary>
/// <param name="Key">Stable machine name, e.g. <c>place-order-open-1000</c>.</param>
/// <param name="Status"><c>ok</c>, or why there are no numbers (<c>not run: ...</c>, <c>failed: ...</c>).</param>
/// <param name="Metrics">Numbers particular to the scenario (events per second, recovery seconds, ...).</param>
public sealed record ScenarioRow(
    string Key,
    string Scenario,
    string Status,
    LoadResult? Load,
    IReadOnlyList<ProcessUsage> Resources,
    IReadOnlyDictionary<string, double> Metrics,
    string? Note)
{
    private static readonly IReadOnlyDictionary<string, double> NoMetrics = new Dictionary<string, double>();

    /// <summary>The processes that generate load (this harness, h2load); every other one is the server side.</summary>
    private static readonly string[] ClientProcesses = ["bench", "h2load"];

    public static ScenarioRow Measured(string key, string scenario, LoadResult load, IReadOnlyList<ProcessUsage> resources, string? note = null, IReadOnlyDictionary<string, double>? metrics = null) =>
        new(key, scenario, "ok", load, resources, metrics ?? NoMetrics, note);

    public static ScenarioRow NotRun(string key, string scenario, string why) =>
        new(key, scenario, "not run: " + why, null, [], NoMetrics, null);

    public static ScenarioRow Failed(string key, string scenario, string why) =>
        new(key, scenario, "failed: " + why, null, [], NoMetrics, null);

    public bool Ok => Status == "ok";

    /// <summary>
    /// CPU milliseconds the server side (every process but the load generator) spent per successful call or event: the cost per request.
    /// A baseline row's server is the echo server alone; the idle mesh beside it is not part of that system.
    /// </summary>
    public double? ServerCpuMsPerCall => PerCall(Resources
        .Where(usage => Resources.Any(u => u.Process == "echo") ? usage.Process == "echo" : !ClientProcesses.Contains(usage.Process))
        .Sum(usage => usage.CpuSeconds));

    /// <summary>CPU milliseconds the load generator (this harness, or h2load) spent per successful call or event.</summary>
    public double? ClientCpuMsPerCall => PerCall(Resources.Where(usage => ClientProcesses.Contains(usage.Process)).Sum(usage => usage.CpuSeconds));

    private double? PerCall(double cpuSeconds) =>
        Load is { Succeeded: > 0, Mode: not "start-up" } load && Resources.Count > 0
            ? Math.Round(cpuSeconds * 1000 / load.Succeeded, 3)
            : null;

    public double Metric(string name) => Metrics.TryGetValue(name, out var value) ? value : double.NaN;
}
