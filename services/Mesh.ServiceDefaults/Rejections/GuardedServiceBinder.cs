using System.Reflection;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;
using Microsoft.AspNetCore.Routing;

namespace Mesh.ServiceDefaults.Rejections;

/// <summary>
/// Receives the method descriptions a generated <c>BindService</c> hands out and registers each
/// with a guarded request marshaller and an invoker for the implementation's override.
/// </summary>
internal sealed class GuardedServiceBinder<TService>(ServiceMethodProviderContext<TService> context, Type serviceBase) : ServiceBinderBase
    where TService : class
{
    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse>? handler) =>
        context.AddUnaryMethod(
            GuardedMarshaller.Guard(method),
            Metadata(method.Name, typeof(TRequest), typeof(ServerCallContext), out var target),
            Invoker<UnaryServerMethod<TService, TRequest, TResponse>>(target));

    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse>? handler) =>
        context.AddServerStreamingMethod(
            GuardedMarshaller.Guard(method),
            Metadata(method.Name, typeof(TRequest), typeof(IServerStreamWriter<TResponse>), typeof(ServerCallContext), out var target),
            Invoker<ServerStreamingServerMethod<TService, TRequest, TResponse>>(target));

    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ClientStreamingServerMethod<TRequest, TResponse>? handler) =>
        context.AddClientStreamingMethod(
            GuardedMarshaller.Guard(method),
            Metadata(method.Name, typeof(IAsyncStreamReader<TRequest>), typeof(ServerCallContext), out var target),
            Invoker<ClientStreamingServerMethod<TService, TRequest, TResponse>>(target));

    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TRequest, TResponse>? handler) =>
        context.AddDuplexStreamingMethod(
            GuardedMarshaller.Guard(method),
            Metadata(method.Name, typeof(IAsyncStreamReader<TRequest>), typeof(IServerStreamWriter<TResponse>), typeof(ServerCallContext), out var target),
            Invoker<DuplexStreamingServerMethod<TService, TRequest, TResponse>>(target));

    private static TDelegate Invoker<TDelegate>(MethodInfo target)
        where TDelegate : Delegate =>
        (TDelegate)Delegate.CreateDelegate(typeof(TDelegate), target);

    // Endpoint metadata as grpc-dotnet gives it: the service type's attributes, then the method's
    // (so [Authorize] and the like on either apply), then POST-only routing that lets CORS
    // preflights through to the CORS middleware.
    private List<object> Metadata(string name, Type first, Type second, out MethodInfo target) =>
        Metadata(name, [first, second], out target);

    private List<object> Metadata(string name, Type first, Type second, Type third, out MethodInfo target) =>
        Metadata(name, [first, second, third], out target);

    private List<object> Metadata(string name, Type[] parameters, out MethodInfo target)
    {
        target = FindOverride(name, parameters);
        var metadata = new List<object>();
        metadata.AddRange(typeof(TService).GetCustomAttributes(inherit: true));
        metadata.AddRange(target.GetCustomAttributes(inherit: true));
        metadata.Add(new HttpMethodMetadata(["POST"], acceptCorsPreflight: true));
        return metadata;
    }

    // The implementation's override of the generated base method; a method that merely hides it
    // (declared with `new`) is not the handler.
    private MethodInfo FindOverride(string name, Type[] parameters) =>
        typeof(TService).GetMethods(BindingFlags.Public | BindingFlags.Instance)
            .SingleOrDefault(candidate => candidate.Name == name
                && candidate.GetBaseDefinition().DeclaringType == serviceBase
                && candidate.GetParameters().Select(parameter => parameter.ParameterType).SequenceEqual(parameters))
        ?? throw new InvalidOperationException($"{typeof(TService)} has no override of {serviceBase}.{name}.");
}
