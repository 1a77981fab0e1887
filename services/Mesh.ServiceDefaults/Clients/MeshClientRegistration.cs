using ProtoService = Google.Protobuf.Reflection.ServiceDescriptor;
using Grpc.Core;
using Grpc.Net.ClientFactory;
using Mesh.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Mesh.ServiceDefaults.Clients;

/// <summary>
/// One registration for every in-mesh client: address from <c>Mesh:Services:{name}:Address</c>
/// (<c>dns:///mesh-inventory-headless:8080</c> in a cluster, <c>http://127.0.0.1:5002</c> locally),
/// per-call round-robin over the endpoints whose readiness is SERVING, DNS refresh, a deadline on every call
/// (within which a call waits for a ready connection), quick reconnects, incoming deadline and
/// cancellation propagated, and retries on UNAVAILABLE for the methods the contract declares idempotent.
/// </summary>
public static class MeshClientRegistration
{
    /// <param name="service">
    /// The client's service: its methods that declare <c>idempotency_level</c> in the contract
    /// (reads, writes carrying an idempotency key) are retried on UNAVAILABLE, with backoff,
    /// within the deadline; the others never are.
    /// </param>
    public static IHttpClientBuilder AddMeshClient<TClient>(this IHostApplicationBuilder builder, string name, ProtoService service)
        where TClient : class
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(service);
        builder.Services.AddOptions<MeshClientOptions>().BindConfiguration("Mesh:Clients");
        builder.Services.TryAddSingleton(TimeProvider.System);
        MeshChannels.AddBalancing(builder.Services);

        var key = $"Mesh:Services:{name}:Address";
        var idempotent = RetryableMethods.FullNamesOf(service);
        var client = builder.Services
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
                channel.ServiceConfig = MeshChannels.ServiceConfig(settings, [service], MeshChannels.ResolvesToManyEndpoints(address));
                channel.InitialReconnectBackoff = settings.InitialReconnectBackoff;
                channel.MaxReconnectBackoff = settings.MaxReconnectBackoff;
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
            .AddInterceptor(provider => new CallDefaultsInterceptor(
                provider.GetRequiredService<IOptions<MeshClientOptions>>().Value.DefaultDeadline,
                provider.GetRequiredService<TimeProvider>()))
            .AddInterceptor(() => new RefusedStreamRetryInterceptor(idempotent));
        if (MeshAuthentication.IsEnabled(builder.Configuration))
        {
            // Every in-mesh call carries this service's own identity.
            builder.Services.AddHttpContextAccessor();
            builder.Services.TryAddSingleton<ServiceTokenSource>();
            client.AddInterceptor(provider => new ServiceIdentityInterceptor(
                provider.GetRequiredService<ServiceTokenSource>(), provider.GetRequiredService<IHttpContextAccessor>()));
        }

        return client;
    }
}
