using System.Diagnostics.Metrics;

namespace Mesh.ServiceDefaults.RateLimits;

/// <summary>Calls refused for their caller's rate, by policy (<c>mesh.rate_limit.rejected</c>).</summary>
public sealed class RateLimitMetrics : IDisposable
{
    public const string MeterName = "Mesh.RateLimits";

    private readonly Meter _meter;
    private readonly Counter<long> _rejected;

    public RateLimitMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _meter = meterFactory.Create(MeterName);
        _rejected = _meter.CreateCounter<long>("mesh.rate_limit.rejected", unit: "{call}",
            description: "Calls refused with RESOURCE_EXHAUSTED because their caller was over the policy's rate.");
    }

    public void Rejected(string policy) => _rejected.Add(1, new KeyValuePair<string, object?>("policy", policy));

    public void Dispose() => _meter.Dispose();
}
