using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Mesh.Orders.Tests.Support;

/// <summary>A server interceptor that applies the host's <see cref="FaultPlan"/> to every unary call.</summary>
public sealed class FaultInjectionInterceptor(FaultPlan plan) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        var method = context.Method[(context.Method.LastIndexOf('/') + 1)..];
        var fault = plan.Enter(method, context.Deadline);
        if (fault is null)
        {
            return await continuation(request, context);
        }

        if (fault.Delay > TimeSpan.Zero)
        {
            await Task.Delay(fault.Delay, context.CancellationToken);
        }

        if (fault.Before is { } before)
        {
            throw new RpcException(new Status(before, $"injected fault before {method}"));
        }

        var response = await continuation(request, context);
        if (fault.After is { } after)
        {
            throw new RpcException(new Status(after, $"injected fault after {method}"));
        }

        return response;
    }
}
