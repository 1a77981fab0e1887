using System.Diagnostics;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Mesh.ServiceDefaults.Rejections;
using Mesh.ServiceDefaults.Telemetry;
using Microsoft.Extensions.Logging;

namespace Mesh.ServiceDefaults.Interceptors;

/// <summary>
/// Outermost server interceptor: records each call's duration by method and status code,
/// and logs every call that did not succeed: faults at Warning, caller mistakes through the
/// rate-limited <see cref="RejectionLog"/> (a client must not be able to flood the log).
/// </summary>
public sealed class CallTelemetryInterceptor(RpcMetrics metrics, RejectionLog rejections, ILogger<CallTelemetryInterceptor> logger) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var response = await continuation(request, context);
            Record(context, context.Status.StatusCode, started, null);
            return response;
        }
        catch (RpcException exception)
        {
            Record(context, exception.StatusCode, started, exception.Status.Detail);
            throw;
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await continuation(request, responseStream, context);
            Record(context, context.Status.StatusCode, started, null);
        }
        catch (RpcException exception)
        {
            Record(context, exception.StatusCode, started, exception.Status.Detail);
            throw;
        }
    }

    private void Record(ServerCallContext context, StatusCode code, long started, string? detail)
    {
        var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        metrics.RecordServer(context.Method, (int)code, elapsed);
        if (code == StatusCode.OK)
        {
            logger.LogDebug("{Method} OK in {ElapsedMs:F1} ms", context.Method, elapsed);
        }
        else if (IsServerFault(code))
        {
            logger.LogWarning("{Method} failed with {StatusCode} in {ElapsedMs:F1} ms: {Detail}", context.Method, code, elapsed, detail);
        }
        else
        {
            rejections.Rejected(context.Method, context.Peer, code.ToString(), detail ?? string.Empty);
        }
    }

    private static bool IsServerFault(StatusCode code) =>
        code is StatusCode.Internal or StatusCode.Unknown or StatusCode.DataLoss or StatusCode.Unavailable or StatusCode.Unimplemented;
}
