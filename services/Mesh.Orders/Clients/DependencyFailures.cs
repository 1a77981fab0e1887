using Grpc.Core;
using Mesh.ServiceDefaults.Errors;

namespace Mesh.Orders.Clients;

/// <summary>
/// What a failed call to users or inventory means for our caller. Transport-level failures are
/// a dependency problem (UNAVAILABLE, retry). Anything else the saga did not expect is a bug in
/// orders, never the caller's fault, so it must not reach them as INVALID_ARGUMENT or
/// NOT_FOUND: it becomes an ordinary exception, which the error interceptor turns into INTERNAL.
/// </summary>
public static class DependencyFailures
{
    public static bool IsTransient(RpcException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.Cancelled;
    }

    public static Exception Translate(RpcException exception, string dependency, string method)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return IsTransient(exception)
            ? MeshErrors.Unavailable(dependency, $"{dependency} did not complete {method} ({exception.StatusCode}); retry")
            : new InvalidOperationException(
                $"{dependency} {method} failed unexpectedly with {exception.StatusCode}: {exception.Status.Detail}", exception);
    }
}
