using System.Diagnostics;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Mesh.ServiceDefaults.Interceptors;

/// <summary>
/// Turns anything a handler throws into a gRPC status: RpcExceptions pass through, a call
/// the client abandoned becomes CANCELLED / DEADLINE_EXCEEDED, a busy database UNAVAILABLE
/// (safe to retry), and a bug INTERNAL with a trace id to find the log line — never details.
/// </summary>
public sealed class ErrorMappingInterceptor(ILogger<ErrorMappingInterceptor> logger) : Interceptor
{
    private static readonly TimeSpan DeadlineTolerance = TimeSpan.FromMilliseconds(50);

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context);
        }
        catch (Exception exception) when (exception is not RpcException)
        {
            throw Map(exception, context);
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(request, responseStream, context);
        }
        catch (Exception exception) when (exception is not RpcException)
        {
            throw Map(exception, context);
        }
    }

    private RpcException Map(Exception exception, ServerCallContext context)
    {
        if (exception is OperationCanceledException && context.CancellationToken.IsCancellationRequested)
        {
            // The deadline timer may fire a few milliseconds before the deadline itself.
            return context.Deadline != DateTime.MaxValue && context.Deadline <= DateTime.UtcNow + DeadlineTolerance
                ? new RpcException(new Status(StatusCode.DeadlineExceeded, "the call's deadline passed"))
                : new RpcException(new Status(StatusCode.Cancelled, "the call was cancelled"));
        }

        if (exception is SqliteException { SqliteErrorCode: 5 or 6 })
        {
            logger.LogWarning(exception, "Storage busy in {Method}", context.Method);
            return new RpcException(new Status(StatusCode.Unavailable, "storage is busy; retry with backoff"));
        }

        // The database file is gone (deleted or unmounted): this replica reports NOT_SERVING and
        // the call changed nothing, so another replica — or this one after a restart — can serve it.
        if (exception is SqliteException { SqliteErrorCode: 14 })
        {
            logger.LogError(exception, "Storage cannot be opened in {Method}", context.Method);
            return new RpcException(new Status(StatusCode.Unavailable, "storage is unavailable; retry with backoff"));
        }

        // Lost connections, fail-overs, deadlock victims and serialisation failures: the
        // transaction rolled back, so trying again is safe.
        if (exception is Npgsql.NpgsqlException { IsTransient: true } or Npgsql.PostgresException { SqlState: "40001" or "40P01" or "55P03" or "57P01" })
        {
            logger.LogWarning(exception, "Storage unavailable in {Method}", context.Method);
            return new RpcException(new Status(StatusCode.Unavailable, "storage is unavailable; retry with backoff"));
        }

        var traceId = Activity.Current?.TraceId.ToString() ?? "none";
        logger.LogError(exception, "Unhandled error in {Method} (trace {TraceId})", context.Method, traceId);
        return new RpcException(new Status(StatusCode.Internal, $"internal error (trace {traceId})"));
    }
}
