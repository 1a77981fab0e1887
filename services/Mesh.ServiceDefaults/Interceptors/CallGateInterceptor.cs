using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Mesh.ServiceDefaults.Interceptors;

/// <summary>
/// An interceptor that decides, before the handler runs, whether a call may go ahead — for every
/// kind of method, unary or streaming. <see cref="AdmitAsync"/> throws the refusal; the request is
/// null for client-streaming and duplex methods (read later, by the handler).
/// </summary>
public abstract class CallGateInterceptor : Interceptor
{
    public sealed override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        await AdmitAsync(request, context);
        return await continuation(request, context);
    }

    public sealed override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        await AdmitAsync(request, context);
        await continuation(request, responseStream, context);
    }

    public sealed override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        await AdmitAsync(null, context);
        return await continuation(requestStream, context);
    }

    public sealed override async Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        await AdmitAsync(null, context);
        await continuation(requestStream, responseStream, context);
    }

    /// <summary>Returns when the call may go ahead; otherwise throws the RpcException to answer with.</summary>
    protected abstract ValueTask AdmitAsync(object? request, ServerCallContext context);
}
