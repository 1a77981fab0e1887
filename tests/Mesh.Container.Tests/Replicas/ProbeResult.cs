using System.Text.Json;

namespace Mesh.Container.Tests.Replicas;

/// <summary>One call the probe made: start (wall clock), latency, and the replica that answered or the failure ("!Status").</summary>
public sealed record ProbeCall(DateTimeOffset Started, long LatencyMs, string Outcome)
{
    /// <summary>Whether a replica answered.</summary>
    public bool Succeeded => !Outcome.StartsWith('!');
}

/// <summary>The JSON line tests/Mesh.DnsProbe prints at the end of a run, parsed.</summary>
public sealed record ProbeResult(
    int Total,
    int Succeeded,
    IReadOnlyDictionary<string, int> Replicas,
    IReadOnlyDictionary<string, int> WarmupReplicas,
    IReadOnlyDictionary<string, int> Failures,
    IReadOnlyList<string> FailureDetails,
    IReadOnlyList<string> ResolvedAtEnd,
    IReadOnlyList<ProbeCall> Calls)
{
    /// <summary>Parses the last line of <paramref name="output"/> that is a JSON object.</summary>
    public static ProbeResult Parse(string output)
    {
        var line = output.Split('\n').Select(text => text.Trim()).LastOrDefault(text => text.StartsWith("{\"address\"", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"The probe printed no result line:{Environment.NewLine}{output}");
        using var json = JsonDocument.Parse(line);
        var root = json.RootElement;
        var started = DateTimeOffset.FromUnixTimeMilliseconds(root.GetProperty("startedAtUnixMs").GetInt64());
        static Dictionary<string, int> Counts(JsonElement element) =>
            element.EnumerateObject().ToDictionary(property => property.Name, property => property.Value.GetInt32(), StringComparer.Ordinal);
        static List<string> Strings(JsonElement element) => [.. element.EnumerateArray().Select(item => item.GetString() ?? "")];
        return new ProbeResult(
            root.GetProperty("total").GetInt32(),
            root.GetProperty("succeeded").GetInt32(),
            Counts(root.GetProperty("replicas")),
            Counts(root.GetProperty("warmupReplicas")),
            Counts(root.GetProperty("failures")),
            Strings(root.GetProperty("failureDetails")),
            Strings(root.GetProperty("resolvedAtEnd")),
            [.. root.GetProperty("calls").EnumerateArray().Select(call => new ProbeCall(
                started.AddMilliseconds(call[0].GetInt64()), call[1].GetInt64(), call[2].GetString() ?? "!"))]);
    }

    /// <summary>Per replica (or "!Status"), the calls that started within [from, to).</summary>
    public IReadOnlyDictionary<string, int> OutcomesBetween(DateTimeOffset from, DateTimeOffset to) => Calls
        .Where(call => call.Started >= from && call.Started < to)
        .GroupBy(call => call.Outcome, StringComparer.Ordinal)
        .ToDictionary(group => group.Key, group => group.Count(), StringComparer.Ordinal);

    /// <summary>The p-th percentile latency (ms) of the calls that started within [from, to); 0 when none did.</summary>
    public long LatencyPercentile(double p, DateTimeOffset from, DateTimeOffset to)
    {
        var latencies = Calls.Where(call => call.Started >= from && call.Started < to).Select(call => call.LatencyMs).Order().ToList();
        return latencies.Count == 0 ? 0 : latencies[Math.Min(latencies.Count - 1, (int)Math.Ceiling(p / 100 * latencies.Count) - 1)];
    }

    /// <summary>A one-line summary for the test output.</summary>
    public override string ToString() =>
        $"{Total} calls, {Succeeded} answered: " + Describe(Replicas)
        + (Failures.Count == 0 ? "; no failure" : $"; failures {Describe(Failures)} e.g. {string.Join(" | ", FailureDetails.Take(3))}")
        + $"; warm-up {Describe(WarmupReplicas)}; DNS at end: {string.Join(", ", ResolvedAtEnd)}";

    /// <summary>"a 100, b 99" in name order.</summary>
    public static string Describe(IReadOnlyDictionary<string, int> counts) =>
        counts.Count == 0 ? "none" : string.Join(", ", counts.OrderBy(entry => entry.Key, StringComparer.Ordinal).Select(entry => $"{entry.Key} {entry.Value}"));
}
