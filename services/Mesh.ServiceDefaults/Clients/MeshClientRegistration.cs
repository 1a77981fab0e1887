using Grpc.Core;
using Grpc.Net.Client.Balancer;
using Grpc.Net.Client.Configuration;
using Grpc.Net.ClientFactory;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Mesh.ServiceDefaults.Clients;

/// <summary>
/// One registration for every in-mesh client: address from <c>Mesh:Services:{name}:Address</c>
/// (<c>dns:///mesh-inventory-headless:8080</c> in a cluster, <c>http://127.0.0.1:5002</c> locally),
/// per-call round-robin over the endpoints whose readiness is SERVING, DNS refresh, a deadline on every call, incoming deadline and
/// cancellation propagated, and retries on UNAVAILABLE for calls that are safe to repeat.
/// </summary>
public static class MeshClientRegistration
{
    /// <param name="retrySafe">
    /// True only when every method of the client is idempotent (reads, or writes carrying an
    /// idempotency key) — then UNAVAILABLE is retried with backoff, within the deadline.
    /// </param>
    public static IHttpClientBuilder AddMeshClient<TClient>(this IHostApplicationBuilder builder, string name, bool retrySafe)
        where TClient : class
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        builder.Services.AddOptions<MeshClientOptions>().BindConfiguration("Mesh:Clients");
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<ResolverFactory>(provider =>
            new DnsResolverFactory(provider.GetRequiredService<IOptions<MeshClientOptions>>().Value.DnsRefreshInterval));
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ResolverFactory, EndpointListResolverFactory>());
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<LoadBalancerFactory, HealthAwareRoundRobinBalancerFactory>());

        var key = $"Mesh:Services:{name}:Address";
        return builder.Services
            .AddGrpcClient<TClient>((provider, options) =>
            {
                var address = provider.GetRequiredService<IConfiguration>()[key];
                if (string.IsNullOrWhiteSpace(address))
                {
                    throw new InvalidOperationException($"Configuration '{key}' is required (e.g. http://127.0.0.1:5002 or dns:///mesh-{name.ToLowerInvariant()}-headless:8080).");
                }

                options.Address = new Uri(address);
            })
            .ConfigureChannel((provider, channel) =>
            {
                var settings = provider.GetRequiredService<IOptions<MeshClientOptions>>().Value;
                channel.Credentials = ChannelCredentials.Insecure;
                var address = provider.GetRequiredService<IConfiguration>()[key];
                channel.ServiceConfig = BuildServiceConfig(settings, retrySafe, ResolvesToManyEndpoints(address));
            })
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                EnableMultipleHttp2Connections = true,
                PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
                KeepAlivePingDelay = TimeSpan.FromSeconds(60),
                KeepAlivePingTimeout = TimeSpan.FromSeconds(30),
                ConnectTimeout = TimeSpan.FromSeconds(3),
            })
            .EnableCallContextPropagation(options => options.SuppressContextNotFoundErrors = true)
            .AddInterceptor(provider => new DefaultDeadlineInterceptor(
                provider.GetRequiredService<IOptions<MeshClientOptions>>().Value.DefaultDeadline,
                provider.GetRequiredService<TimeProvider>()));
    }

    /// <summary>
    /// A <c>dns:///</c> address names a set of pods (a headless Service), a <c>static:///</c> one a
    /// fixed list of replicas: calls are spread over those whose readiness is SERVING. A plain <c>http://host:port</c> is one endpoint (a
    /// ClusterIP, or a local process) with nothing to choose between, so it is called directly.
    /// </summary>
    public static bool ResolvesToManyEndpoints(string? address) =>
        address is not null
        && (address.StartsWith("dns:", StringComparison.OrdinalIgnoreCase)
            || address.StartsWith(EndpointListResolverFactory.Scheme + ":", StringComparison.OrdinalIgnoreCase));

    private static ServiceConfig BuildServiceConfig(MeshClientOptions settings, bool retrySafe, bool healthAware)
    {
        LoadBalancingConfig policy = healthAware ? new LoadBalancingConfig(HealthAwareRoundRobinBalancerFactory.PolicyName) : new RoundRobinConfig();
        var config = new ServiceConfig { LoadBalancingConfigs = { policy } };
        if (retrySafe)
        {
            config.MethodConfigs.Add(new MethodConfig
            {
                Names = { MethodName.Default },
                RetryPolicy = new RetryPolicy
                {
                    MaxAttempts = settings.MaxAttempts,
                    InitialBackoff = TimeSpan.FromMilliseconds(100),
                    MaxBackoff = TimeSpan.FromSeconds(1),
                    BackoffMultiplier = 2,
                    RetryableStatusCodes = { StatusCode.Unavailable },
                },
            });
            // A dying peer must not turn every call into three: retries stop when more than
            // roughly one call in ten fails, and resume as calls succeed again.
            config.RetryThrottling = new RetryThrottlingPolicy { MaxTokens = 10, TokenRatio = 0.1 };
        }

        return config;
    }
}
