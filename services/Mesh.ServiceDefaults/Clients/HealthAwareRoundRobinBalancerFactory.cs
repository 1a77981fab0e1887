using Grpc.Net.Client.Balancer;

namespace Mesh.ServiceDefaults.Clients;

/// <summary>Creates <see cref="HealthAwareRoundRobinBalancer"/>s; every in-mesh client's service config names it.</summary>
public sealed class HealthAwareRoundRobinBalancerFactory : LoadBalancerFactory
{
    /// <summary>The policy name in the service config's loadBalancingConfig.</summary>
    public const string PolicyName = "mesh_health_round_robin";

    /// <summary>The grpc.health.v1 name whose status decides whether an endpoint gets calls.</summary>
    public const string HealthName = "readiness";

    public override string Name => PolicyName;

    public override LoadBalancer Create(LoadBalancerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new HealthAwareRoundRobinBalancer(options.Controller, options.LoggerFactory, HealthName);
    }
}
