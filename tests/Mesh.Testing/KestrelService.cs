using Grpc.Net.Client;
using Mesh.ServiceDefaults.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Mesh.Testing;

/// <summary>
/// One Mesh service on real Kestrel over loopback sockets, with both of its listeners: gRPC (h2c)
/// and the public HTTP/1.1 port (REST, gRPC-Web, OpenAPI). Each on a port the OS picks.
/// </summary>
/// <typeparam name="TEntryPoint">Any type from the service's assembly.</typeparam>
public sealed class KestrelService<TEntryPoint> : IAsyncDisposable
    where TEntryPoint : class
{
    private KestrelService(MeshServiceFactory<TEntryPoint> factory, MeshListeners listeners)
    {
        Factory = factory;
        GrpcAddress = new Uri($"http://127.0.0.1:{listeners.GrpcPort}");
        HttpAddress = new Uri($"http://127.0.0.1:{listeners.HttpPort}");
        MetricsAddress = new Uri($"http://127.0.0.1:{listeners.MetricsPort}");
    }

    public MeshServiceFactory<TEntryPoint> Factory { get; }

    /// <summary>The gRPC listener, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public Uri GrpcAddress { get; }

    /// <summary>The HTTP/1.1 listener: REST, gRPC-Web, <c>/openapi/v1.json</c>, <c>/docs</c>.</summary>
    public Uri HttpAddress { get; }

    /// <summary>The Prometheus scrape listener: <c>GET /metrics</c> and nothing else.</summary>
    public Uri MetricsAddress { get; }

    /// <summary>
    /// Starts the service that <paramref name="factory"/> describes (its settings and service
    /// overrides apply) on Kestrel; the factory is disposed with this.
    /// </summary>
    public static KestrelService<TEntryPoint> Start(MeshServiceFactory<TEntryPoint>? factory = null)
    {
        factory ??= new MeshServiceFactory<TEntryPoint>();
        factory.StartOnKestrel();
        var listeners = factory.Services.GetRequiredService<MeshListeners>();
        return new KestrelService<TEntryPoint>(factory, listeners);
    }

    /// <summary>A gRPC channel to the gRPC listener.</summary>
    public GrpcChannel CreateGrpcChannel() => Factory.CreateChannel();

    /// <summary>An HttpClient for the HTTP listener (HTTP/1.1, keep-alive).</summary>
    public HttpClient CreateHttpClient() => new() { BaseAddress = HttpAddress, Timeout = TimeSpan.FromSeconds(30) };

    public async ValueTask DisposeAsync() => await Factory.DisposeAsync();
}
