using System.Globalization;
using System.Text;
using Mesh.Bench.Measure;

namespace Mesh.Bench.Report;

/// <summary>Renders a run as Markdown: the machine, the results table, the targets and the notes.</summary>
public static class MarkdownReport
{
    private static readonly (string Process, string Letter)[] ProcessLetters =
        [("users", "U"), ("inventory", "I"), ("orders", "O"), ("echo", "E"), ("bench", "B"), ("h2load", "H")];

    public static string Render(BenchReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var md = new StringBuilder();
        var machine = report.Machine;
        md.AppendLine(CultureInfo.InvariantCulture, $"# Mesh benchmark: {report.Profile} run");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"- **When**: {report.StartedUtc:yyyy-MM-dd HH:mm} UTC, {report.TotalSeconds:0} s in all");
        md.AppendLine(CultureInfo.InvariantCulture, $"- **Command**: `{report.Command}`");
        md.AppendLine(CultureInfo.InvariantCulture, $"- **Machine**: {machine.Cores} cores ({machine.Cpu}), {machine.MemoryGb} GB, {machine.Os}, {machine.Runtime}; mesh and load generator on the same cores");
        md.AppendLine(CultureInfo.InvariantCulture, $"- **Commit**: {machine.Commit}{(machine.WorkTreeDirty ? " (with uncommitted changes)" : string.Empty)}");
        md.AppendLine(CultureInfo.InvariantCulture, $"- **Load average** (1/5/15 min): {machine.LoadAverageAtStart} at the start, {report.LoadAverageAtEnd} at the end");
        md.AppendLine();
        md.AppendLine("## Results");
        md.AppendLine();
        md.AppendLine(Table(report.Rows));
        md.AppendLine("Latency in ms. Closed loop: N calls in flight, latency = service time at saturation. Open loop: fixed arrival rate,");
        md.AppendLine("latency from each call's intended start (coordinated omission corrected). CPU s = user + system seconds during the");
        md.AppendLine("row's measured window (the whole phase for start-up); CPU ms/call = server-side CPU (all but B) per successful call or");
        md.AppendLine("delivered event + the load generator's (B or H); RSS = highest sampled VmRSS (every 100 ms, warm-up included), in");
        md.AppendLine("brackets the private part of that sample (RssAnon + RssShmem: heaps, stacks, JIT-compiled code); the rest is pages");
        md.AppendLine("of mapped runtime and framework files, the same files in every .NET process.");
        md.AppendLine("U users, I inventory, O orders, E echo server, B this load generator, H h2load.");
        md.AppendLine();
        md.AppendLine("## Targets");
        md.AppendLine();
        md.AppendLine("| Target | Goal | Measured | Verdict |");
        md.AppendLine("|---|---|---|---|");
        foreach (var target in report.Targets)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {target.Target} | {target.Goal} | {target.Measured} | {Verdict(target.Verdict)} |");
        }

        if (report.Notes.Count > 0)
        {
            md.AppendLine();
            md.AppendLine("## Notes");
            md.AppendLine();
            foreach (var note in report.Notes)
            {
                md.AppendLine("- " + note);
            }
        }

        return md.ToString();
    }

    /// <summary>The results table alone (the console prints it too).</summary>
    public static string Table(IReadOnlyList<ScenarioRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var md = new StringBuilder();
        md.AppendLine("| Scenario | Mode | Offered/s | Achieved/s | p50 | p90 | p99 | max | Errors | CPU ms/call | CPU s | Peak RSS MB (private) | Notes |");
        md.AppendLine("|---|---|--:|--:|--:|--:|--:|--:|---|--:|---|---|---|");
        foreach (var row in rows)
        {
            if (row.Load is not { } load)
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"| {row.Scenario} | — | | | | | | | | | | | {row.Status} |");
                continue;
            }

            var achieved = load.Mode == "start-up" ? "—" : N(load.ThroughputPerSecond);
            var offered = load.OfferedPerSecond is double rate ? N(rate) : "—";
            var mode = load.Mode switch
            {
                "closed-loop" => $"closed, {load.Concurrency} in flight",
                "open-loop" => "open",
                "start-up" => $"{load.Concurrency} run(s)",
                "h2load" => $"h2load, {load.Concurrency} streams",
                "stream" => $"{load.Concurrency} streams",
                _ => load.Mode,
            };
            var errors = load.Failed == 0 ? "0" : string.Join(", ", load.ErrorsByStatus.Select(pair => $"{pair.Key} {pair.Value:N0}"));
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {row.Scenario} | {mode} | {offered} | {achieved} | {Ms(load.Latency.P50Ms)} | {Ms(load.Latency.P90Ms)} | {Ms(load.Latency.P99Ms)} | {Ms(load.Latency.MaxMs)} | {errors} | {PerCall(row)} | {Usage(row.Resources, u => u.CpuSeconds, "0.0")} | {Memory(row.Resources.Where(u => u.Process is not "bench" and not "h2load"))} | {row.Note} |");
        }

        return md.ToString();
    }

    private static string PerCall(ScenarioRow row) => row.ServerCpuMsPerCall is double server
        ? string.Create(CultureInfo.InvariantCulture, $"{server:0.000} + {row.ClientCpuMsPerCall:0.000}")
        : string.Empty;

    private static string Usage(IReadOnlyList<ProcessUsage> usage, Func<ProcessUsage, double> value, string format) =>
        string.Join(" ", usage.Select(u => $"{Letter(u.Process)} {value(u).ToString(format, CultureInfo.InvariantCulture)}"));

    private static string Memory(IEnumerable<ProcessUsage> usage) =>
        string.Join(" ", usage.Select(u => string.Create(CultureInfo.InvariantCulture, $"{Letter(u.Process)} {u.PeakRssMb:0} ({u.PrivateAtPeakMb:0})")));

    private static string Letter(string process) =>
        ProcessLetters.FirstOrDefault(pair => pair.Process == process).Letter ?? process;

    private static string N(double value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string Ms(double value) => value.ToString(value < 10 ? "0.00" : value < 100 ? "0.0" : "0", CultureInfo.InvariantCulture);

    private static string Verdict(string verdict) => verdict switch
    {
        "met" => "**met**",
        "missed" => "**missed**",
        _ => verdict,
    };
}
