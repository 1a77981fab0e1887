namespace Mesh.Bench.Load;

/// <summary>One open-loop call: its intended start (a Stopwatch timestamp), its latency from then, and its status.</summary>
public readonly record struct CallSample(long IntendedTimestamp, double LatencyMs, string Status)
{
    public bool Ok => Status == "OK";
}
