using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Mesh.ServiceDefaults.Clients;

/// <summary>
/// Gives every outgoing unary call a deadline — without one a call could wait forever on a hung
/// peer — and, because that deadline bounds it, lets the call wait for a ready connection
/// (wait-for-ready) instead of failing at once while the connection to a peer that has just
/// started or restarted is still in its reconnect backoff. Nothing is sent before a connection
/// is ready, so waiting never repeats a call.
/// </summary>
public sealed class CallDefaultsInterceptor(TimeSpan deadline, TimeProvider time) : Interceptor
{
    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(
        TRequest request, ClientInterceptorContext<TRequest, TResponse> context,
        AsyncUnaryCallContinuation<TRequest, TResponse> continuation) =>
        continuation(request, WithDefaults(context));

    public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(
        TRequest request, ClientInterceptorContext<TRequest, TResponse> context,
        AsyncServerStreamingCallContinuation<TRequest, TResponse> continuation) =>
        // Streams are long-lived by design and bounded by cancellation, not a deadline; their
        // consumers resubscribe with their own backoff, so they keep failing fast.
        continuation(request, context);

    private ClientInterceptorContext<TRequest, TResponse> WithDefaults<TRequest, TResponse>(ClientInterceptorContext<TRequest, TResponse> context)
        where TRequest : class
        where TResponse : class
    {
        var options = context.Options;
        if (options.Deadline is null)
        {
            options = options.WithDeadline(time.GetUtcNow().UtcDateTime + deadline);
        }

        if (!options.IsWaitForReady)
        {
            options = options.WithWaitForReady();
        }

        return new ClientInterceptorContext<TRequest, TResponse>(context.Method, context.Host, options);
    }
}
