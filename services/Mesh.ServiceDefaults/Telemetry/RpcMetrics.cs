using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Mesh.ServiceDefaults.Telemetry;

/// <summary>
/// RPC duration histograms after the OpenTelemetry RPC semantic conventions; grpc-dotnet
/// itself publishes no per-method meters.
/// </summary>
public sealed class RpcMetrics : IDisposable
{
    public const string MeterName = "Mesh.Rpc";

    private readonly Meter _meter;
    private readonly Histogram<double> _serverDuration;
    private readonly Counter<long> _rejected;

    public RpcMetrics(IMeterFactory meterFactory)
    {
        _meter = meterFactory.Create(MeterName);
        _serverDuration = _meter.CreateHistogram<double>(
            "rpc.server.duration", unit: "ms", description: "Duration of inbound RPCs, by method and status code.");
        _rejected = _meter.CreateCounter<long>(
            "mesh.rpc.server.rejected_requests", unit: "{request}",
            description: "Inbound RPCs refused for what the caller sent before a handler ran, by method and reason.");
    }

    public void RecordServer(string fullMethod, int statusCode, double milliseconds)
    {
        var (service, method) = Split(fullMethod);
        var tags = new TagList
        {
            { "rpc.system", "grpc" },
            { "rpc.service", service },
            { "rpc.method", method },
            { "rpc.grpc.status_code", statusCode },
        };
        _serverDuration.Record(milliseconds, tags);
    }

    /// <summary>Counts a call refused before its handler ran (malformed body, oversized, bad framing).</summary>
    public void RecordRejected(string fullMethod, string reason)
    {
        var (service, method) = Split(fullMethod);
        _rejected.Add(1, new TagList
        {
            { "rpc.system", "grpc" },
            { "rpc.service", service },
            { "rpc.method", method },
            { "error.type", reason },
        });
    }

    // "/mesh.users.v1.UserService/GetUser" → ("mesh.users.v1.UserService", "GetUser")
    private static (string Service, string Method) Split(string fullMethod)
    {
        var trimmed = fullMethod.TrimStart('/');
        var slash = trimmed.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? (trimmed, string.Empty) : (trimmed[..slash], trimmed[(slash + 1)..]);
    }

    public void Dispose() => _meter.Dispose();
}
