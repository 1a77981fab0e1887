using System.Text.Json.Serialization;

namespace Mesh.DnsProbe;

/// <summary>One call: when it started (ms after the run started), how long it took, and who answered or how it failed.</summary>
internal sealed record CallOutcome(long StartMs, long LatencyMs, string? Replica, string? Failure);

/// <summary>The JSON line the probe prints at the end; the tests parse it, so names are part of its contract.</summary>
internal sealed class ProbeReport
{
    private const int DetailsKept = 5;

    [JsonPropertyName("address")]
    public required string Address { get; init; }

    /// <summary>Wall clock of the first measured call: the tests compare it with when they killed a container.</summary>
    [JsonPropertyName("startedAtUnixMs")]
    public required long StartedAtUnixMs { get; init; }

    [JsonPropertyName("total")]
    public int Total { get; private set; }

    [JsonPropertyName("succeeded")]
    public int Succeeded { get; private set; }

    [JsonPropertyName("replicas")]
    public SortedDictionary<string, int> Replicas { get; } = new(StringComparer.Ordinal);

    [JsonPropertyName("warmupReplicas")]
    public SortedDictionary<string, int> WarmupReplicas { get; } = new(StringComparer.Ordinal);

    [JsonPropertyName("failures")]
    public SortedDictionary<string, int> Failures { get; } = new(StringComparer.Ordinal);

    [JsonPropertyName("failureDetails")]
    public List<string> FailureDetails { get; } = [];

    /// <summary>What the probe's own resolver returned for the host once the run ended.</summary>
    [JsonPropertyName("resolvedAtEnd")]
    public List<string> ResolvedAtEnd { get; } = [];

    /// <summary>Every measured call as [startMs, latencyMs, replica or "!Status"], in start order.</summary>
    [JsonPropertyName("calls")]
    public List<object[]> Calls { get; } = [];

    /// <summary>Folds the outcomes in, ordered by start.</summary>
    public void Add(IEnumerable<CallOutcome> outcomes)
    {
        foreach (var outcome in outcomes.OrderBy(outcome => outcome.StartMs))
        {
            Total++;
            if (outcome.Replica is { } replica)
            {
                Succeeded++;
                Replicas[replica] = Replicas.GetValueOrDefault(replica) + 1;
                Calls.Add([outcome.StartMs, outcome.LatencyMs, replica]);
            }
            else
            {
                var status = outcome.Failure?.Split(':', 2)[0] ?? "Unknown";
                Failures[status] = Failures.GetValueOrDefault(status) + 1;
                if (FailureDetails.Count < DetailsKept)
                {
                    FailureDetails.Add($"+{outcome.StartMs} ms: {outcome.Failure}");
                }

                Calls.Add([outcome.StartMs, outcome.LatencyMs, "!" + status]);
            }
        }
    }

    /// <summary>Counts a warm-up call's replica (not part of the measured run).</summary>
    public void AddWarmup(string replica) => WarmupReplicas[replica] = WarmupReplicas.GetValueOrDefault(replica) + 1;
}
