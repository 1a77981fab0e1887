namespace Mesh.ServiceDefaults.Health;

/// <summary>
/// One thing a service needs to serve, checked periodically. Only the service's own
/// resources belong here: a check on a downstream service would cascade one outage
/// into every caller.
/// </summary>
public interface IReadinessCheck
{
    string Name { get; }

    Task<bool> IsReadyAsync(CancellationToken cancellationToken);
}
