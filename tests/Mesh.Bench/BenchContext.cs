using System.Globalization;
using Mesh.Bench.Load;
using Mesh.Bench.Measure;
using Mesh.Bench.Report;
using Mesh.Bench.Setup;

namespace Mesh.Bench;

/// <summary>What every scenario needs: the profile, the mesh, its bench data, and the rows collected so far.</summary>
public sealed class BenchContext(BenchProfile profile, MeshTarget mesh, BenchData data, ServiceLog log, string outputDirectory, CancellationToken cancellationToken)
{
    private readonly List<ScenarioRow> rows = [];

    public BenchProfile Profile { get; } = profile;

    public MeshTarget Mesh { get; } = mesh;

    public BenchData Data { get; } = data;

    public ServiceLog Log { get; } = log;

    public string OutputDirectory { get; } = outputDirectory;

    public CancellationToken CancellationToken { get; } = cancellationToken;

    /// <summary>Environment variables (<c>--service-env</c>) for every service process a scenario starts itself, as for the mesh's.</summary>
    public IReadOnlyDictionary<string, string> ServiceEnvironment { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    public IReadOnlyList<ScenarioRow> Rows => rows;

    /// <summary>Deadline of every load call: long enough never to cut a slow success short, short enough to bound a run.</summary>
    public static DateTime CallDeadline() => DateTime.UtcNow.AddSeconds(10);

    /// <summary>Samples the three services and this process, plus <paramref name="extra"/> (e.g. the echo server).</summary>
    public ResourceMonitor StartMonitor(params (string Name, Func<int?> Pid)[] extra) => StartMonitor(Mesh, extra);

    /// <summary>Samples the three services of <paramref name="target"/> (a second mesh a scenario started) and this process.</summary>
    public ResourceMonitor StartMonitor(MeshTarget target, params (string Name, Func<int?> Pid)[] extra)
    {
        ArgumentNullException.ThrowIfNull(target);
        var watched = MeshTarget.ServiceNames
            .Select(name => (name, (Func<int?>)(() => target.PidOf(name))))
            .Concat(extra)
            .Append(("bench", () => Environment.ProcessId))
            .ToList();
        return ResourceMonitor.Start(watched);
    }

    public ChannelSet Channels(string service) => new(Mesh.AddressOf(service), Profile.Channels);

    public void Add(ScenarioRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        rows.Add(row);
        Say(Describe(row));
    }

    public static void Say(string line) => Console.WriteLine($"[{DateTime.Now:HH:mm:ss}] {line}");

    private static string Describe(ScenarioRow row)
    {
        if (!row.Ok || row.Load is null)
        {
            return $"  {row.Scenario}: {row.Status}";
        }

        var load = row.Load;
        if (load.Mode == "start-up")
        {
            return string.Create(CultureInfo.InvariantCulture, $"  {row.Scenario}: p50 {load.Latency.P50Ms:0} ms, max {load.Latency.MaxMs:0} ms over {load.Succeeded} run(s)");
        }

        var errors = load.Failed == 0 ? "0 errors" : string.Join(", ", load.ErrorsByStatus.Select(pair => $"{pair.Key} {pair.Value}"));
        return string.Create(CultureInfo.InvariantCulture,
            $"  {row.Scenario}: {load.ThroughputPerSecond:0}/s, p50 {load.Latency.P50Ms:0.00} ms, p99 {load.Latency.P99Ms:0.00} ms, max {load.Latency.MaxMs:0.0} ms, {errors}");
    }
}
