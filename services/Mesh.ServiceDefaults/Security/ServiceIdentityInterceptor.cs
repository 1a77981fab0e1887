using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.AspNetCore.Http;

namespace Mesh.ServiceDefaults.Security;

/// <summary>
/// Makes every outgoing in-mesh call with this service's own token — never the end user's — and,
/// when the call is made while serving a person, names that person in
/// <see cref="MeshCaller.ActingForHeader"/> (callees trust it only from a service).
/// </summary>
public sealed class ServiceIdentityInterceptor(ServiceTokenSource tokens, IHttpContextAccessor http) : Interceptor
{
    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(
        TRequest request, ClientInterceptorContext<TRequest, TResponse> context,
        AsyncUnaryCallContinuation<TRequest, TResponse> continuation) =>
        continuation(request, WithIdentity(context));

    public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(
        TRequest request, ClientInterceptorContext<TRequest, TResponse> context,
        AsyncServerStreamingCallContinuation<TRequest, TResponse> continuation) =>
        continuation(request, WithIdentity(context));

    private ClientInterceptorContext<TRequest, TResponse> WithIdentity<TRequest, TResponse>(ClientInterceptorContext<TRequest, TResponse> context)
        where TRequest : class
        where TResponse : class
    {
        var authorization = tokens.AuthorizationHeader();
        if (authorization is null)
        {
            return context;
        }

        var headers = new Metadata();
        foreach (var entry in context.Options.Headers ?? [])
        {
            // A forwarded authorization or acting-for entry would let the callee see someone else's claim.
            if (entry.Key is not ("authorization" or MeshCaller.ActingForHeader))
            {
                headers.Add(entry);
            }
        }

        headers.Add("authorization", authorization);
        var caller = http.HttpContext?.Features.Get<MeshCaller>();
        var person = caller?.Subject ?? caller?.ActingFor;
        if (person is not null)
        {
            headers.Add(MeshCaller.ActingForHeader, person);
        }

        return new ClientInterceptorContext<TRequest, TResponse>(context.Method, context.Host, context.Options.WithHeaders(headers));
    }
}
