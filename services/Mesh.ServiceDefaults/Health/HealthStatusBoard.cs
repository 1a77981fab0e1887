using Grpc.Health.V1;

namespace Mesh.ServiceDefaults.Health;

/// <summary>
/// The health of the process as grpc.health.v1 reports it: "liveness" SERVING while it runs;
/// "readiness", "" and each hosted service name SERVING while the readiness checks pass and
/// the process is not draining. Watchers are woken on every change.
/// </summary>
public sealed class HealthStatusBoard
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, HealthCheckResponse.Types.ServingStatus> _statuses = new(StringComparer.Ordinal);
    private readonly HashSet<string> _readinessNames = [HealthNames.Readiness, string.Empty];
    private TaskCompletionSource _changed = NewSignal();
    private bool _checksPassing;
    private bool _draining;

    public HealthStatusBoard()
    {
        // Every name answers from the first moment: NOT_SERVING until the first check passes.
        PublishLocked();
    }

    public bool IsDraining
    {
        get
        {
            lock (_gate)
            {
                return _draining;
            }
        }
    }

    /// <summary>Adds a service full name that reports the same status as readiness.</summary>
    public void AddService(string fullName)
    {
        lock (_gate)
        {
            _readinessNames.Add(fullName);
            PublishLocked();
        }
    }

    /// <summary>The status of <paramref name="name"/>, or null when no such name is known.</summary>
    public HealthCheckResponse.Types.ServingStatus? Get(string name)
    {
        lock (_gate)
        {
            return _statuses.TryGetValue(name, out var status) ? status : null;
        }
    }

    /// <summary>A task that completes at the next change of any status.</summary>
    public Task NextChange()
    {
        lock (_gate)
        {
            return _changed.Task;
        }
    }

    /// <summary>
    /// Sets a name that reports on its own, never through readiness (e.g. the event relay: a broker
    /// outage must not take the service out of rotation).
    /// </summary>
    public void SetIndependent(string name, bool serving)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        lock (_gate)
        {
            if (_readinessNames.Contains(name) || name == HealthNames.Liveness)
            {
                throw new ArgumentException($"\"{name}\" already reports liveness or readiness.", nameof(name));
            }

            if (Set(name, serving ? HealthCheckResponse.Types.ServingStatus.Serving : HealthCheckResponse.Types.ServingStatus.NotServing))
            {
                SignalChangeLocked();
            }
        }
    }

    public void SetChecksPassing(bool passing)
    {
        lock (_gate)
        {
            _checksPassing = passing;
            PublishLocked();
        }
    }

    /// <summary>Readiness goes NOT_SERVING for good: the process is shutting down.</summary>
    public void BeginDraining()
    {
        lock (_gate)
        {
            _draining = true;
            PublishLocked();
        }
    }

    private void PublishLocked()
    {
        var ready = _checksPassing && !_draining
            ? HealthCheckResponse.Types.ServingStatus.Serving
            : HealthCheckResponse.Types.ServingStatus.NotServing;
        var changed = Set(HealthNames.Liveness, HealthCheckResponse.Types.ServingStatus.Serving);
        foreach (var name in _readinessNames)
        {
            changed |= Set(name, ready);
        }

        if (changed)
        {
            SignalChangeLocked();
        }
    }

    private void SignalChangeLocked()
    {
        var previous = _changed;
        _changed = NewSignal();
        previous.TrySetResult();
    }

    private bool Set(string name, HealthCheckResponse.Types.ServingStatus status)
    {
        if (_statuses.TryGetValue(name, out var current) && current == status)
        {
            return false;
        }

        _statuses[name] = status;
        return true;
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
