using System.Collections.Concurrent;
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

    // More than any service has methods; names beyond it are split on every call instead of kept.
    private const int MaxKeptNames = 512;

    private readonly Meter _meter;
    private readonly Histogram<double> _serverDuration;
    private readonly Counter<long> _rejected;

    // Every call records its method as two tags: splitting each name once spares two strings per call.
    private readonly ConcurrentDictionary<string, (string Service, string Method)> _names = new(StringComparer.Ordinal);

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
        var (service, method) = NamesOf(fullMethod);
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
        var (service, method) = NamesOf(fullMethod);
        _rejected.Add(1, new TagList
        {
            { "rpc.system", "grpc" },
            { "rpc.service", service },
            { "rpc.method", method },
            { "error.type", reason },
        });
    }

    private (string Service, string Method) NamesOf(string fullMethod)
    {
        if (_names.TryGetValue(fullMethod, out var names))
        {
            return names;
        }

        names = Split(fullMethod);
        if (_names.Count < MaxKeptNames)
        {
            _names.TryAdd(fullMethod, names);
        }

        return names;
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
