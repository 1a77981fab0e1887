namespace Mesh.Launcher;

/// <summary>
/// The environment of a service process in the local mesh: where it stores its data, where the
/// services it calls listen, its HTTP port (REST, gRPC-Web, /docs) open to the local run's pages,
/// with the dashboard running where its telemetry goes, and with <c>--auth</c> how it checks
/// tokens and where its own is (<see cref="LocalIssuer"/>).
/// </summary>
public static class ServiceEnvironment
{
    /// <summary>How often spans and log records are sent; the SDK's 5 s would make a call show late.</summary>
    public const string ExportDelayMilliseconds = "1000";

    /// <summary>How often metrics are sent; the SDK's 60 s would leave the dashboard's charts empty for a minute.</summary>
    public const string MetricExportIntervalMilliseconds = "2000";

    /// <summary>
    /// The variables for <paramref name="service"/>; <paramref name="otlpEndpoint"/> (the dashboard's
    /// OTLP/gRPC address, null without one) receives its traces, logs and metrics. The options'
    /// per-service layer and then <paramref name="extraEnvironment"/> are applied last, so a caller
    /// can override any of them.
    /// </summary>
    public static IReadOnlyDictionary<string, string?> For(
        MeshLauncherOptions options,
        MeshService service,
        Uri? otlpEndpoint,
        IReadOnlyDictionary<string, string?>? extraEnvironment)
    {
        ArgumentNullException.ThrowIfNull(options);
        var info = MeshServiceInfo.Of(service);
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal);
        if (options.PostgresServer is { } server)
        {
            environment["Mesh__Storage__Provider"] = "postgres";
            environment["Mesh__Storage__ConnectionString"] = PostgresDatabases.ConnectionStringFor(server, service);
        }
        else
        {
            environment["Mesh__Storage__Path"] = Path.GetFullPath(Path.Combine(options.DataDirectory, info.DatabaseFileName));
        }

        if (options.BrokerUrl is { } broker)
        {
            environment["Mesh__Messaging__Url"] = broker;
        }

        if (options.Auth)
        {
            foreach (var (name, value) in new LocalIssuer(options.DataDirectory).EnvironmentFor(service))
            {
                environment[name] = value;
            }
        }

        // The call graph: orders calls users and inventory; users follows orders' event log.
        if (service == MeshService.Orders)
        {
            environment["Mesh__Services__Users__Address"] = options.AddressOf(MeshService.Users).GetLeftPart(UriPartial.Authority);
            environment["Mesh__Services__Inventory__Address"] = options.AddressOf(MeshService.Inventory).GetLeftPart(UriPartial.Authority);
        }
        else if (service == MeshService.Users)
        {
            environment["Mesh__Services__Orders__Address"] = options.AddressOf(MeshService.Orders).GetLeftPart(UriPartial.Authority);
        }

        // A service given --urls opens no HTTP port unless told where. /docs is off outside
        // Development, and the local run is for trying the API, so it is switched on.
        environment["Mesh__Http__Urls"] = options.HttpAddressOf(service).GetLeftPart(UriPartial.Authority);
        environment["Mesh__Http__Docs"] = "true";
        var origins = LocalOrigins(options);
        for (var index = 0; index < origins.Count; index++)
        {
            environment[$"Mesh__Http__CorsOrigins__{index}"] = origins[index];
        }

        // The services export over OTLP only when given an endpoint (MeshTelemetry).
        if (otlpEndpoint is not null)
        {
            environment["OTEL_EXPORTER_OTLP_ENDPOINT"] = otlpEndpoint.GetLeftPart(UriPartial.Authority);
            environment["OTEL_EXPORTER_OTLP_PROTOCOL"] = "grpc";
            environment["OTEL_BSP_SCHEDULE_DELAY"] = ExportDelayMilliseconds;
            environment["OTEL_BLRP_SCHEDULE_DELAY"] = ExportDelayMilliseconds;
            environment["OTEL_METRIC_EXPORT_INTERVAL"] = MetricExportIntervalMilliseconds;
        }

        var layers = new[] { options.Environment.GetValueOrDefault(service), extraEnvironment };
        foreach (var (name, value) in layers.Where(layer => layer is not null).SelectMany(layer => layer!))
        {
            environment[name] = value;
        }

        return environment;
    }

    /// <summary>
    /// The origins of the pages the local run serves: every service's HTTP port under both loopback
    /// names a browser may use, so a page of one service (its /docs, say) may call the others.
    /// </summary>
    public static IReadOnlyList<string> LocalOrigins(MeshLauncherOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return
        [
            .. MeshServiceInfo.All.SelectMany(info => new[]
            {
                $"http://127.0.0.1:{options.HttpPortOf(info.Service)}",
                $"http://localhost:{options.HttpPortOf(info.Service)}",
            }),
        ];
    }
}
