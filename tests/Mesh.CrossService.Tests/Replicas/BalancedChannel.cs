using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Net.Client.Balancer;
using Grpc.Net.Client.Configuration;
using Mesh.ServiceDefaults.Clients;
using Microsoft.Extensions.DependencyInjection;

namespace Mesh.CrossService.Tests.Replicas;

/// <summary>
/// A client channel over every replica of a service with the mesh's own client balancing
/// (health-aware round-robin over a <c>static:///</c> list) and the retry policy in-mesh callers
/// use for calls that carry an idempotency key: UNAVAILABLE is retried with backoff, within the deadline.
/// </summary>
internal static class BalancedChannel
{
    public static GrpcChannel For(string endpointList)
    {
        var services = new ServiceCollection();
        services.AddSingleton<ResolverFactory, EndpointListResolverFactory>();
        services.AddSingleton<LoadBalancerFactory, HealthAwareRoundRobinBalancerFactory>();
        return GrpcChannel.ForAddress(endpointList, new GrpcChannelOptions
        {
            Credentials = ChannelCredentials.Insecure,
            ServiceProvider = services.BuildServiceProvider(),
            ServiceConfig = new ServiceConfig
            {
                LoadBalancingConfigs = { new LoadBalancingConfig(HealthAwareRoundRobinBalancerFactory.PolicyName) },
                MethodConfigs =
                {
                    new MethodConfig
                    {
                        Names = { MethodName.Default },
                        RetryPolicy = new RetryPolicy
                        {
                            MaxAttempts = 5,
                            InitialBackoff = TimeSpan.FromMilliseconds(100),
                            MaxBackoff = TimeSpan.FromSeconds(1),
                            BackoffMultiplier = 2,
                            RetryableStatusCodes = { StatusCode.Unavailable },
                        },
                    },
                },
            },
        });
    }
}
