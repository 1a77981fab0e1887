using System.Reflection;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;

namespace Mesh.ServiceDefaults.Rejections;

/// <summary>
/// Binds a gRPC service's methods the way grpc-dotnet's own binder does, but with request
/// marshallers that turn bytes which do not parse into INVALID_ARGUMENT. grpc-dotnet decodes the
/// request before any interceptor runs, so this is the one place that sees every method.
/// </summary>
public sealed class GuardedMethodProvider<TService> : IServiceMethodProvider<TService>
    where TService : class
{
    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<TService> context)
    {
        var bind = FindBindMethod(typeof(TService));
        if (bind is null)
        {
            return;
        }

        // BindService(ServiceBinderBase binder, TServiceBase impl): a null impl asks only for descriptions.
        var serviceBase = bind.GetParameters()[1].ParameterType;
        bind.Invoke(null, [new GuardedServiceBinder<TService>(context, serviceBase), null]);
    }

    private static MethodInfo? FindBindMethod(Type serviceType)
    {
        for (var type = serviceType; type is not null; type = type.BaseType)
        {
            if (type.GetCustomAttribute<BindServiceMethodAttribute>(inherit: false) is { } attribute)
            {
                return attribute.BindType.GetMethod(
                    attribute.BindMethodName,
                    BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static,
                    [typeof(ServiceBinderBase), type]);
            }
        }

        return null;
    }
}
