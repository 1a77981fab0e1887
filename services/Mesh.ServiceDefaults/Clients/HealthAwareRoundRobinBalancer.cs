using Grpc.Core;
using Grpc.Net.Client.Balancer;
using Microsoft.Extensions.Logging;

namespace Mesh.ServiceDefaults.Clients;

/// <summary>
/// Per-call round-robin over the resolved endpoints that are connected AND report readiness
/// SERVING (gRFC A17 semantics, which grpc-dotnet does not provide): one
/// <see cref="EndpointHealthWatcher"/> per connected endpoint. A health change publishes a new
/// picker at once, which also wakes calls queued while no endpoint was known to be ready.
/// </summary>
public sealed class HealthAwareRoundRobinBalancer(IChannelControlHelper controller, ILoggerFactory loggerFactory, string healthName)
    : SubchannelsLoadBalancer(controller, loggerFactory)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<Subchannel, EndpointHealthWatcher> _watchers = [];
    private readonly ILogger _logger = loggerFactory.CreateLogger<HealthAwareRoundRobinBalancer>();
    private IReadOnlyList<Subchannel> _ready = [];
    private bool _disposed;

    protected override SubchannelPicker CreatePicker(IReadOnlyList<Subchannel> readySubchannels)
    {
        lock (_gate)
        {
            _ready = readySubchannels;
            foreach (var gone in _watchers.Keys.Where(subchannel => !readySubchannels.Contains(subchannel)).ToList())
            {
                _watchers.Remove(gone, out var watcher);
                watcher!.Dispose();
            }

            foreach (var subchannel in readySubchannels)
            {
                if (!_disposed && !_watchers.ContainsKey(subchannel) && subchannel.CurrentAddress is { } address)
                {
                    _watchers[subchannel] = new EndpointHealthWatcher(address.EndPoint, healthName, OnHealthChanged, _logger);
                }
            }

            return BuildPicker();
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            lock (_gate)
            {
                _disposed = true;
                foreach (var watcher in _watchers.Values)
                {
                    watcher.Dispose();
                }

                _watchers.Clear();
            }
        }

        base.Dispose(disposing);
    }

    private SubchannelPicker BuildPicker() =>
        new HealthAwarePicker([.. _ready.Where(_watchers.ContainsKey).Select(subchannel => (subchannel, _watchers[subchannel]))]);

    private void OnHealthChanged()
    {
        BalancerState state;
        lock (_gate)
        {
            if (_disposed || _ready.Count == 0)
            {
                return;
            }

            var health = _watchers.Values.Select(watcher => watcher.Health).ToList();
            var connectivity = health.Contains(EndpointHealth.Serving) ? ConnectivityState.Ready
                : health.Contains(EndpointHealth.Unknown) ? ConnectivityState.Connecting
                : ConnectivityState.TransientFailure;
            state = new BalancerState(connectivity, BuildPicker());
        }

        Controller.UpdateState(state);
    }
}
