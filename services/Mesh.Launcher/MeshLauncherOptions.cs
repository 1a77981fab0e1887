namespace Mesh.Launcher;

/// <summary>How to run the mesh. The defaults are the documented local setup.</summary>
public sealed record MeshLauncherOptions
{
    /// <summary>The dashboard's browser port unless told otherwise; the Aspire Dashboard's own default.</summary>
    public const int DefaultDashboardPort = 18888;

    /// <summary>The dashboard's OTLP/gRPC port unless told otherwise; the Aspire Dashboard's own default.</summary>
    public const int DefaultDashboardOtlpPort = 18889;

    private static readonly IReadOnlyDictionary<MeshService, string> NoAssemblyPaths =
        new Dictionary<MeshService, string>();

    private static readonly IReadOnlyDictionary<MeshService, IReadOnlyDictionary<string, string?>> NoEnvironment =
        new Dictionary<MeshService, IReadOnlyDictionary<string, string?>>();

    /// <summary>
    /// The defaults on the given ports, in order: gRPC of users, inventory and orders, then their
    /// HTTP ports, then optionally the dashboard's browser and OTLP ports. For hosts that run a mesh
    /// beside others on free ports (tests, the benchmark harness); set the rest with <c>with</c>.
    /// </summary>
    public static MeshLauncherOptions OnPorts(IReadOnlyList<int> ports)
    {
        ArgumentNullException.ThrowIfNull(ports);
        if (ports.Count is not (6 or 8))
        {
            throw new ArgumentException("Give six ports (gRPC, then HTTP, of users, inventory and orders), or eight with the dashboard's two.", nameof(ports));
        }

        var options = new MeshLauncherOptions
        {
            UsersPort = ports[0],
            InventoryPort = ports[1],
            OrdersPort = ports[2],
            UsersHttpPort = ports[3],
            InventoryHttpPort = ports[4],
            OrdersHttpPort = ports[5],
        };
        return ports.Count == 6 ? options : options with { DashboardPort = ports[6], DashboardOtlpPort = ports[7] };
    }

    /// <summary>Loopback gRPC port of the users service.</summary>
    public int UsersPort { get; init; } = MeshServiceInfo.Of(MeshService.Users).DefaultPort;

    /// <summary>Loopback gRPC port of the inventory service.</summary>
    public int InventoryPort { get; init; } = MeshServiceInfo.Of(MeshService.Inventory).DefaultPort;

    /// <summary>Loopback gRPC port of the orders service.</summary>
    public int OrdersPort { get; init; } = MeshServiceInfo.Of(MeshService.Orders).DefaultPort;

    /// <summary>Loopback HTTP/1.1 port (REST/JSON, gRPC-Web, OpenAPI, /docs) of the users service.</summary>
    public int UsersHttpPort { get; init; } = MeshServiceInfo.Of(MeshService.Users).DefaultHttpPort;

    /// <summary>Loopback HTTP/1.1 port of the inventory service.</summary>
    public int InventoryHttpPort { get; init; } = MeshServiceInfo.Of(MeshService.Inventory).DefaultHttpPort;

    /// <summary>Loopback HTTP/1.1 port of the orders service.</summary>
    public int OrdersHttpPort { get; init; } = MeshServiceInfo.Of(MeshService.Orders).DefaultHttpPort;

    /// <summary>Folder holding users.db, inventory.db and orders.db; reused by the next run.</summary>
    public string DataDirectory { get; init; } = MeshPaths.DefaultDataDirectory;

    /// <summary>
    /// Opt-in: a connection string to a PostgreSQL server (whose user may create databases).
    /// Each service then runs on its own database there (<see cref="PostgresDatabases"/>) instead
    /// of its SQLite file in <see cref="DataDirectory"/>. Null: the embedded default.
    /// </summary>
    public string? PostgresServer { get; init; }

    /// <summary>
    /// Opt-in: a RabbitMQ AMQP URL. Every service then relays its event log to the exchange
    /// mesh.events there (Mesh:Messaging:Url). Null: messaging off, nothing to install.
    /// </summary>
    public string? BrokerUrl { get; init; }

    /// <summary>
    /// Opt-in: access control with the local development issuer (<see cref="LocalIssuer"/>) in the
    /// data directory; every call but health and reflection then needs a bearer token. Off by
    /// default, so the first run can be explored with grpcurl and curl with nothing to set up.
    /// </summary>
    public bool Auth { get; init; }

    /// <summary>Whether to create the demo user and catalog once the mesh is ready.</summary>
    public bool Seed { get; init; } = true;

    /// <summary>How long all three services together may take to report readiness SERVING.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How long a ready service's HTTP port may take to serve its OpenAPI document. Readiness is
    /// reported over gRPC, so it says nothing about the second listener; the banner links to it.
    /// </summary>
    public TimeSpan HttpCheckTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How long one service may take to exit after SIGTERM before it is killed.</summary>
    public TimeSpan StopTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Whether to start the Aspire Dashboard beside the services and send their traces, logs and
    /// metrics to it (<see cref="MeshDashboard"/>). Off here, so tests and the benchmark harness, which
    /// build their options themselves, start none; the command line turns it on.
    /// </summary>
    public bool Dashboard { get; init; }

    /// <summary>Loopback port of the dashboard's pages in the browser.</summary>
    public int DashboardPort { get; init; } = DefaultDashboardPort;

    /// <summary>Loopback port on which the dashboard receives OTLP over gRPC from the services.</summary>
    public int DashboardOtlpPort { get; init; } = DefaultDashboardOtlpPort;

    /// <summary>
    /// The dashboard executable to run instead of the one in the package restored with the launcher
    /// (<see cref="DashboardExecutable"/>), e.g. a build for another platform.
    /// </summary>
    public string? DashboardPath { get; init; }

    /// <summary>How long the dashboard may take to answer before the mesh starts without it.</summary>
    public TimeSpan DashboardStartTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Service dlls to run instead of the ones the build produced.</summary>
    public IReadOnlyDictionary<MeshService, string> AssemblyPaths { get; init; } = NoAssemblyPaths;

    /// <summary>Extra environment variables per service; a null value removes an inherited variable.</summary>
    public IReadOnlyDictionary<MeshService, IReadOnlyDictionary<string, string?>> Environment { get; init; } = NoEnvironment;

    /// <summary>Receives every line the launcher and the services print.</summary>
    public Action<string> Output { get; init; } = Console.WriteLine;

    /// <summary>The configured gRPC port of <paramref name="service"/>.</summary>
    public int PortOf(MeshService service) => service switch
    {
        MeshService.Users => UsersPort,
        MeshService.Inventory => InventoryPort,
        MeshService.Orders => OrdersPort,
        _ => throw new ArgumentOutOfRangeException(nameof(service), service, "Unknown service."),
    };

    /// <summary>The plaintext h2c address of <paramref name="service"/>, always on 127.0.0.1.</summary>
    public Uri AddressOf(MeshService service) => new($"http://127.0.0.1:{PortOf(service)}");

    /// <summary>The configured HTTP port of <paramref name="service"/>.</summary>
    public int HttpPortOf(MeshService service) => service switch
    {
        MeshService.Users => UsersHttpPort,
        MeshService.Inventory => InventoryHttpPort,
        MeshService.Orders => OrdersHttpPort,
        _ => throw new ArgumentOutOfRangeException(nameof(service), service, "Unknown service."),
    };

    /// <summary>The HTTP/1.1 address of <paramref name="service"/> (REST, gRPC-Web, /docs), always on 127.0.0.1.</summary>
    public Uri HttpAddressOf(MeshService service) => new($"http://127.0.0.1:{HttpPortOf(service)}");

    /// <summary>The dashboard's pages in the browser, always on 127.0.0.1.</summary>
    public Uri DashboardAddress => new($"http://127.0.0.1:{DashboardPort}");

    /// <summary>Where the services send OTLP/gRPC to the dashboard, always on 127.0.0.1.</summary>
    public Uri DashboardOtlpAddress => new($"http://127.0.0.1:{DashboardOtlpPort}");
}
