using ProtoService = Google.Protobuf.Reflection.ServiceDescriptor;
using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Net.Client.Balancer;
using Grpc.Net.Client.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Mesh.ServiceDefaults.Clients;

/// <summary>
/// How an in-mesh channel balances and retries, in one place: <see cref="MeshClientRegistration"/>
/// applies it to every client a service registers, and <see cref="Create"/> builds the same
/// channel for code without a host (tools, tests).
/// </summary>
public static class MeshChannels
{
    /// <summary>
    /// A <c>dns:///</c> address names a set of pods (a headless Service), a <c>static:///</c> one a
    /// fixed list of replicas: calls are spread over those whose readiness is SERVING. A plain
    /// <c>http://host:port</c> is one endpoint (a ClusterIP, or a local process) with nothing to
    /// choose between, so it is called directly.
    /// </summary>
    public static bool ResolvesToManyEndpoints(string? address) =>
        address is not null
        && (address.StartsWith("dns:", StringComparison.OrdinalIgnoreCase)
            || address.StartsWith(EndpointListResolverFactory.Scheme + ":", StringComparison.OrdinalIgnoreCase));

    /// <summary>Registers the resolvers (<c>dns:///</c>, <c>static:///</c>) and the health-aware balancer.</summary>
    public static IServiceCollection AddBalancing(IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<ResolverFactory>(provider =>
            new DnsResolverFactory(provider.GetService<IOptions<MeshClientOptions>>()?.Value.DnsRefreshInterval ?? new MeshClientOptions().DnsRefreshInterval));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ResolverFactory, EndpointListResolverFactory>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<LoadBalancerFactory, HealthAwareRoundRobinBalancerFactory>());
        return services;
    }

    /// <summary>
    /// Health-aware round-robin for addresses that name several endpoints, and retries of
    /// UNAVAILABLE with backoff and a retry budget for the methods of <paramref name="services"/>
    /// whose contract declares them idempotent (<see cref="RetryableMethods"/>).
    /// </summary>
    public static ServiceConfig ServiceConfig(MeshClientOptions settings, IEnumerable<ProtoService> services, bool healthAware)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(services);
        LoadBalancingConfig policy = healthAware ? new LoadBalancingConfig(HealthAwareRoundRobinBalancerFactory.PolicyName) : new RoundRobinConfig();
        var config = new ServiceConfig { LoadBalancingConfigs = { policy } };
        var retryable = new MethodConfig
        {
            RetryPolicy = new RetryPolicy
            {
                MaxAttempts = settings.MaxAttempts,
                InitialBackoff = TimeSpan.FromMilliseconds(100),
                MaxBackoff = TimeSpan.FromSeconds(1),
                BackoffMultiplier = 2,
                RetryableStatusCodes = { StatusCode.Unavailable },
            },
        };
        foreach (var method in services.SelectMany(RetryableMethods.Of))
        {
            retryable.Names.Add(method);
        }

        if (retryable.Names.Count > 0)
        {
            config.MethodConfigs.Add(retryable);
            // A dying peer must not turn every call into three: retries stop when more than
            // roughly one call in ten fails, and resume as calls succeed again. The budget still
            // covers a burst — every call in flight on a replica that was just killed — since
            // retries continue until half of it is spent.
            config.RetryThrottling = new RetryThrottlingPolicy { MaxTokens = settings.RetryBudget, TokenRatio = 0.1 };
        }

        return config;
    }

    /// <summary>
    /// A plaintext channel to <paramref name="address"/> that balances, reconnects and retries exactly
    /// as in-mesh clients do, retrying the idempotent methods of <paramref name="services"/>.
    /// </summary>
    public static GrpcChannel Create(string address, MeshClientOptions settings, params ProtoService[] services)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(address);
        return GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            Credentials = ChannelCredentials.Insecure,
            ServiceProvider = AddBalancing(new ServiceCollection()).BuildServiceProvider(),
            ServiceConfig = ServiceConfig(settings, services, ResolvesToManyEndpoints(address)),
            InitialReconnectBackoff = settings.InitialReconnectBackoff,
            MaxReconnectBackoff = settings.MaxReconnectBackoff,
        });
    }
}
