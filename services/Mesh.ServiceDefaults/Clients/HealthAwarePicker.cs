using Grpc.Core;
using Grpc.Net.Client.Balancer;

namespace Mesh.ServiceDefaults.Clients;

/// <summary>
/// Round-robin over the connected endpoints that report SERVING, reading their health at each
/// pick, so an endpoint that turns NOT_SERVING gets no further calls from the next pick on.
/// With none serving, calls wait while some endpoint has not answered yet, and fail with
/// UNAVAILABLE once all have said no — which in-mesh calls, being wait-for-ready, wait out
/// within their deadline for a picker with a serving endpoint.
/// </summary>
public sealed class HealthAwarePicker(IReadOnlyList<(Subchannel Subchannel, EndpointHealthWatcher Watcher)> endpoints) : SubchannelPicker
{
    private int _next = -1;

    public override PickResult Pick(PickContext context)
    {
        var serving = 0;
        var unknown = false;
        foreach (var (_, watcher) in endpoints)
        {
            var health = watcher.Health;
            serving += health == EndpointHealth.Serving ? 1 : 0;
            unknown |= health == EndpointHealth.Unknown;
        }

        if (serving == 0)
        {
            return unknown
                ? PickResult.ForQueue()
                : PickResult.ForFailure(new Status(StatusCode.Unavailable, "no endpoint is ready: every one reports NOT_SERVING or cannot be watched"));
        }

        // The k-th serving endpoint, so the share of one that stops serving spreads evenly over the rest.
        var k = (int)((uint)Interlocked.Increment(ref _next) % (uint)serving);
        foreach (var (subchannel, watcher) in endpoints)
        {
            if (watcher.Health == EndpointHealth.Serving && k-- == 0)
            {
                return PickResult.ForSubchannel(subchannel);
            }
        }

        // Health changed between the count and the walk; the next published picker settles it.
        return PickResult.ForQueue();
    }
}
