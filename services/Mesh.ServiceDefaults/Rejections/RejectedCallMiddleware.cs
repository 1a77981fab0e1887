using System.Diagnostics;
using Google.Protobuf;
using Grpc.AspNetCore.Server;
using Mesh.Common.V1;
using Mesh.ServiceDefaults.Errors;
using Mesh.ServiceDefaults.Telemetry;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Mesh.ServiceDefaults.Rejections;

/// <summary>
/// Accounts for the gRPC calls refused before the interceptors ran (which count and log every
/// other call): records them in the RPC metrics, logs them through <see cref="RejectionLog"/>,
/// and gives grpc-dotnet's own refusals the ErrorInfo every other Mesh error carries.
/// </summary>
public sealed class RejectedCallMiddleware(
    RequestDelegate next, RpcMetrics metrics, RejectionLog log, IOptions<GrpcServiceOptions> grpcOptions)
{
    private readonly int _maxReceiveMessageSize = grpcOptions.Value.MaxReceiveMessageSize ?? int.MaxValue;

    public async Task InvokeAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        await next(context);

        if (context.Features.Get<IServerCallContextFeature>()?.ServerCallContext is not { } call
            || ProtocolRejections.Classify(call.Status) is not { } reason)
        {
            return;
        }

        var status = call.Status;
        if (reason != ErrorReason.MalformedRequest && !context.Response.HasStarted)
        {
            // Trailers-only response: the status travels in the headers, still writable here.
            var details = reason == ErrorReason.MessageTooLarge
                ? MeshErrors.MessageTooLarge(status.Detail, _maxReceiveMessageSize)
                : MeshErrors.ProtocolError(status.StatusCode, status.Detail);
            context.Response.Headers[MeshErrors.StatusDetailsKey] = Convert.ToBase64String(details.ToByteArray());
        }

        var reasonName = MeshErrors.ReasonName(reason);
        metrics.RecordServer(call.Method, (int)status.StatusCode, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        metrics.RecordRejected(call.Method, reasonName);
        log.Rejected(call.Method, call.Peer, reasonName, status.Detail);
    }
}
