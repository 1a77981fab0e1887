using System.Diagnostics;
using Mesh.ServiceDefaults.Telemetry;

namespace Mesh.ServiceDefaults.Clients;

/// <summary>
/// Runs work outside the incoming call's execution context. Compensation has to run even when
/// the caller's deadline has passed or the caller went away, but the client factory's context
/// propagation would hand every outgoing call the caller's (expired) deadline and cancellation.
/// Without the flow, calls get the default client deadline instead. The trace is kept by
/// parenting a span on the caller's.
/// </summary>
public static class DetachedCall
{
    private static readonly ActivitySource Source = new(MeshTelemetry.ActivitySourceName);

    public static Task<T> RunAsync<T>(string operation, Func<Task<T>> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        var parent = Activity.Current?.Context;
        if (ExecutionContext.IsFlowSuppressed())
        {
            return Traced(operation, parent, work);
        }

        using (ExecutionContext.SuppressFlow())
        {
            return Task.Run(() => Traced(operation, parent, work));
        }
    }

    private static async Task<T> Traced<T>(string operation, ActivityContext? parent, Func<Task<T>> work)
    {
        using var activity = parent is { } context
            ? Source.StartActivity(operation, ActivityKind.Internal, context)
            : Source.StartActivity(operation);
        return await work();
    }
}
