using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Mesh.ServiceDefaults.Hosting;

/// <summary>
/// The request limits every Mesh endpoint is served with, set here rather than inherited so a
/// change of framework defaults cannot move them (the README's operations section lists them).
/// </summary>
public static class KestrelLimits
{
    /// <summary>Concurrent calls on one HTTP/2 connection; gRPC clients open another connection past it.</summary>
    public const int MaxStreamsPerConnection = 100;

    /// <summary>All request headers of one call together (metadata, tokens, trace context).</summary>
    public const int MaxRequestHeadersTotalSize = 32 * 1024;

    /// <summary>One decoded HTTP/2 header field.</summary>
    public const int MaxRequestHeaderFieldSize = 16 * 1024;

    /// <summary>Headers per request.</summary>
    public const int MaxRequestHeaderCount = 100;

    /// <summary>
    /// A whole request body. gRPC refuses a message over MeshDefaults.MaxReceiveMessageSize as soon
    /// as its frame header arrives; this bounds everything else (HTTP routes, stray bytes).
    /// </summary>
    public const long MaxRequestBodySize = 4 * 1024 * 1024;

    public static void Apply(KestrelServerLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        limits.Http2.MaxStreamsPerConnection = MaxStreamsPerConnection;
        limits.Http2.MaxRequestHeaderFieldSize = MaxRequestHeaderFieldSize;
        limits.MaxRequestHeadersTotalSize = MaxRequestHeadersTotalSize;
        limits.MaxRequestHeaderCount = MaxRequestHeaderCount;
        limits.MaxRequestBodySize = MaxRequestBodySize;
    }
}
