using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Mesh.ServiceDefaults.Clients;

/// <summary>
/// Sends an idempotent unary call again when the server never ran it because its connection was
/// closing. A server retiring a connection (max connection age, shutdown) races the calls the
/// client is starting on it, and two outcomes of that race reach the caller as INTERNAL although
/// nothing was executed: .NET's HTTP/2 client reports a stream excluded by the final GOAWAY as
/// "the HTTP/2 server closed the connection" (NO_ERROR) once its body was written — other gRPC
/// clients retry those transparently — or a connection opened in that instant fails its HTTP/2
/// handshake; and, through grpc-dotnet's balancer connections, a
/// request cut short in the closing connection is answered by the server with "Incomplete
/// message" before any handler ran. Only methods the contract declares idempotent are sent
/// again, a few times at most, within the call's own deadline.
/// </summary>
public sealed class RefusedStreamRetryInterceptor(IReadOnlySet<string> idempotentMethods) : Interceptor
{
    private const int MaxResends = 3;
    private const string IncompleteRequestDetail = "Incomplete message.";

    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(
        TRequest request, ClientInterceptorContext<TRequest, TResponse> context,
        AsyncUnaryCallContinuation<TRequest, TResponse> continuation)
    {
        if (!idempotentMethods.Contains(context.Method.FullName))
        {
            return continuation(request, context);
        }

        var current = continuation(request, context);
        var response = ResendWhileRefusedAsync(request, context, continuation, current, call => current = call);
        return new AsyncUnaryCall<TResponse>(
            response,
            HeadersAsync(response, () => current),
            () => current.GetStatus(),
            () => current.GetTrailers(),
            () => current.Dispose());
    }

    /// <summary>True for a failure that says the server never ran the call because its connection was closing.</summary>
    public static bool IsRefusedByClosingConnection(RpcException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception.StatusCode == StatusCode.Internal
            // The connection, not the call, failed: a stream excluded by the final GOAWAY (NO_ERROR),
            // or a new connection the server closed before its HTTP/2 handshake.
            && (exception.Status.DebugException is HttpRequestException { HttpRequestError: HttpRequestError.HttpProtocolError }
                // grpc-aspnetcore's answer to a request message that ended early: read before any handler runs.
                || (exception.Status.DebugException is null && exception.Status.Detail == IncompleteRequestDetail));
    }

    private static async Task<TResponse> ResendWhileRefusedAsync<TRequest, TResponse>(
        TRequest request, ClientInterceptorContext<TRequest, TResponse> context,
        AsyncUnaryCallContinuation<TRequest, TResponse> continuation,
        AsyncUnaryCall<TResponse> first, Action<AsyncUnaryCall<TResponse>> replace)
        where TRequest : class
        where TResponse : class
    {
        var call = first;
        for (var resends = 0; ; resends++)
        {
            try
            {
                return await call.ResponseAsync.ConfigureAwait(false);
            }
            catch (RpcException exception) when (resends < MaxResends && IsRefusedByClosingConnection(exception) && !context.Options.CancellationToken.IsCancellationRequested)
            {
                call.Dispose();
                call = continuation(request, context);
                replace(call);
            }
        }
    }

    private static async Task<Metadata> HeadersAsync<TResponse>(Task<TResponse> response, Func<AsyncUnaryCall<TResponse>> current)
    {
        // The headers of the attempt that produced the outcome, not of a refused one; the
        // outcome itself, failure included, is the response task's to report.
        await Task.WhenAny(response).ConfigureAwait(false);
        return await current().ResponseHeadersAsync.ConfigureAwait(false);
    }
}
