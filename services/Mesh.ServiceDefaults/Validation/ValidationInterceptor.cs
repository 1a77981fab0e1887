using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Mesh.ServiceDefaults.Validation;

/// <summary>Runs the registered <see cref="IRequestValidator{TRequest}"/> for every incoming request.</summary>
public sealed class ValidationInterceptor(IServiceProvider services) : Interceptor
{
    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        Validate(request);
        return continuation(request, context);
    }

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Validate(request);
        return continuation(request, responseStream, context);
    }

    private void Validate<TRequest>(TRequest request)
    {
        if (services.GetService(typeof(IRequestValidator<TRequest>)) is not IRequestValidator<TRequest> validator)
        {
            return;
        }

        var errors = new FieldErrors();
        validator.Validate(request, errors);
        errors.ThrowIfAny();
    }
}
