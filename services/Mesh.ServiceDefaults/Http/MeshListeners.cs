using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;

namespace Mesh.ServiceDefaults.Http;

/// <summary>
/// The kinds of listener a Mesh service has and the ports they are bound to: gRPC over cleartext
/// HTTP/2 (prior knowledge), the public HTTP/1.1 one, and Prometheus' scrape port. The two cannot share a
/// cleartext port (an HTTP/2-only endpoint refuses HTTP/1.1, and a mixed one cannot do h2c), so
/// the service binds each itself rather than through Kestrel's single <c>urls</c> list.
/// </summary>
public sealed class MeshListeners
{
    private readonly List<ListenOptions> _grpc = [];
    private readonly List<ListenOptions> _http = [];
    private readonly List<ListenOptions> _metrics = [];

    private MeshListeners(IReadOnlyList<BindingAddress> grpcAddresses, IReadOnlyList<BindingAddress> httpAddresses, IReadOnlyList<BindingAddress> metricsAddresses)
    {
        GrpcAddresses = grpcAddresses;
        HttpAddresses = httpAddresses;
        MetricsAddresses = metricsAddresses;
    }

    /// <summary>Port of the Prometheus scrape listener when nothing is configured (the container's).</summary>
    public const int DefaultMetricsPort = 9464;

    /// <summary>Configuration key of the scrape listener's addresses (<c>/metrics</c> only).</summary>
    public const string MetricsUrlsKey = "Mesh:Metrics:Urls";

    /// <summary>Port of the gRPC listener when nothing is configured (the container's).</summary>
    public const int DefaultGrpcPort = 8080;

    public IReadOnlyList<BindingAddress> GrpcAddresses { get; }

    public IReadOnlyList<BindingAddress> HttpAddresses { get; }

    /// <summary>Where Prometheus scrapes <c>/metrics</c>: a port of its own, so the public HTTP port never serves it.</summary>
    public IReadOnlyList<BindingAddress> MetricsAddresses { get; }

    /// <summary>The bound gRPC port (after start); 0 when the service runs on a test server.</summary>
    public int GrpcPort => BoundPort(_grpc);

    /// <summary>The bound HTTP port (after start); 0 when there is no HTTP listener.</summary>
    public int HttpPort => BoundPort(_http);

    /// <summary>The bound metrics port (after start); 0 when there is no scrape listener.</summary>
    public int MetricsPort => BoundPort(_metrics);

    /// <summary>Whether the request came in on the public HTTP port.</summary>
    public bool IsHttpPort(HttpContext context) => CameThrough(context, _http);

    /// <summary>Whether the request came in on the Prometheus scrape port.</summary>
    public bool IsMetricsPort(HttpContext context) => CameThrough(context, _metrics);

    private static bool CameThrough(HttpContext context, List<ListenOptions> listeners)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (listeners.Count == 0)
        {
            return false;
        }

        var local = context.Connection.LocalPort;
        foreach (var listener in listeners)
        {
            if (listener.IPEndPoint?.Port == local)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Reads the gRPC addresses from <c>urls</c> (or <c>HTTP_PORTS</c>) and the HTTP ones from
    /// <c>Mesh:Http:Urls</c>, applying the defaults <see cref="MeshHttpOptions.Urls"/> describes.
    /// </summary>
    public static MeshListeners FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var grpc = Parse(configuration[WebHostDefaults.ServerUrlsKey]);
        var grpcDefaulted = false;
        if (grpc.Count == 0 && configuration[WebHostDefaults.HttpPortsKey] is { Length: > 0 } ports)
        {
            grpc = ports.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(port => BindingAddress.Parse($"http://*:{port}"))
                .ToList();
        }

        if (grpc.Count == 0)
        {
            grpc = [BindingAddress.Parse($"http://*:{DefaultGrpcPort}")];
            grpcDefaulted = true;
        }

        var http = OrDefault(configuration[$"{MeshHttpOptions.Section}:{nameof(MeshHttpOptions.Urls)}"], grpcDefaulted, MeshHttpOptions.DefaultPort);
        var metrics = OrDefault(configuration[MetricsUrlsKey], grpcDefaulted, DefaultMetricsPort);
        return new MeshListeners(grpc, http, metrics);
    }

    private static List<BindingAddress> OrDefault(string? setting, bool grpcDefaulted, int defaultPort) =>
        setting is null && grpcDefaulted ? [BindingAddress.Parse($"http://*:{defaultPort}")] : Parse(setting);

    /// <summary>Binds every address on <paramref name="kestrel"/>, each with its protocol.</summary>
    public void Bind(KestrelServerOptions kestrel, Action<ListenOptions> configureGrpc)
    {
        ArgumentNullException.ThrowIfNull(kestrel);
        BindAll(kestrel, GrpcAddresses, HttpProtocols.Http2, _grpc, configureGrpc);
        BindAll(kestrel, HttpAddresses, HttpProtocols.Http1, _http, configure: null);
        BindAll(kestrel, MetricsAddresses, HttpProtocols.Http1, _metrics, configure: null);
    }

    private static void BindAll(
        KestrelServerOptions kestrel, IReadOnlyList<BindingAddress> addresses, HttpProtocols protocols, List<ListenOptions> bound, Action<ListenOptions>? configure)
    {
        foreach (var address in addresses)
        {
            Listen(kestrel, address, listen =>
            {
                listen.Protocols = protocols;
                configure?.Invoke(listen);
                bound.Add(listen);
            });
        }
    }

    private static void Listen(KestrelServerOptions kestrel, BindingAddress address, Action<ListenOptions> configure)
    {
        if (string.Equals(address.Host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            kestrel.ListenLocalhost(address.Port, configure);
        }
        else if (IPAddress.TryParse(address.Host.Trim('[', ']'), out var ip))
        {
            kestrel.Listen(ip, address.Port, configure);
        }
        else
        {
            // "*", "+" or a host name: every interface, as Kestrel's own urls binding does.
            kestrel.ListenAnyIP(address.Port, configure);
        }
    }

    private static List<BindingAddress> Parse(string? urls)
    {
        if (string.IsNullOrWhiteSpace(urls))
        {
            return [];
        }

        var addresses = new List<BindingAddress>();
        foreach (var url in urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var address = BindingAddress.Parse(url);
            if (!string.Equals(address.Scheme, "http", StringComparison.OrdinalIgnoreCase) || address.IsUnixPipe || address.IsNamedPipe)
            {
                throw new InvalidOperationException(
                    $"'{url}' is not an http:// address. Mesh listens in cleartext; terminate TLS in front of it (an ingress, a gateway or a sidecar).");
            }

            addresses.Add(address);
        }

        return addresses;
    }

    private static int BoundPort(List<ListenOptions> listeners) =>
        listeners.Count == 0 ? 0 : listeners[0].IPEndPoint?.Port ?? 0;
}
