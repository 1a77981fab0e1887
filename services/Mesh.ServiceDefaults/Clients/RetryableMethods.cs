using Google.Protobuf.Reflection;
using Grpc.Net.Client.Configuration;

namespace Mesh.ServiceDefaults.Clients;

/// <summary>
/// Which methods a client may retry, read from the contract: a method declares
/// <c>option idempotency_level = NO_SIDE_EFFECTS</c> (reads) or <c>IDEMPOTENT</c> (writes that
/// carry an idempotency key, or set a value). A method that declares neither is never retried,
/// so a future non-idempotent method cannot be repeated by accident.
/// </summary>
public static class RetryableMethods
{
    public static IEnumerable<MethodName> Of(ServiceDescriptor service)
    {
        ArgumentNullException.ThrowIfNull(service);
        return service.Methods
            .Where(IsRetryable)
            .Select(method => new MethodName { Service = service.FullName, Method = method.Name });
    }

    /// <summary>The retryable methods as gRPC full names (<c>/package.Service/Method</c>), as a call's <c>Method.FullName</c> reads.</summary>
    public static IReadOnlySet<string> FullNamesOf(ServiceDescriptor service) =>
        Of(service).Select(name => $"/{name.Service}/{name.Method}").ToHashSet(StringComparer.Ordinal);

    public static bool IsRetryable(MethodDescriptor method)
    {
        ArgumentNullException.ThrowIfNull(method);
        return method.GetOptions()?.IdempotencyLevel is MethodOptions.Types.IdempotencyLevel.NoSideEffects
            or MethodOptions.Types.IdempotencyLevel.Idempotent;
    }
}
