using System.Globalization;

namespace Mesh.Launcher;

/// <summary>Turns command-line flags and MESH_* environment variables into options (flags win).</summary>
public static class LauncherCommandLine
{
    /// <summary>The text <c>--help</c> prints.</summary>
    public const string Usage = """
        Runs the Mesh services (users, inventory, orders) locally on 127.0.0.1 and seeds demo data.

        Usage: dotnet run --project services/Mesh.Launcher [-- options]
               dotnet run --project services/Mesh.Launcher -- token --user UUID [token options]
                 (mints a person's token for a mesh run with --auth; token --help lists its options)

        Options (environment variable in brackets; flags win):
          --users-port PORT            users gRPC port, default 5001 [MESH_USERS_PORT]
          --inventory-port PORT        inventory gRPC port, default 5002 [MESH_INVENTORY_PORT]
          --orders-port PORT           orders gRPC port, default 5003 [MESH_ORDERS_PORT]
          --users-http-port PORT       users HTTP port (REST/JSON, gRPC-Web, OpenAPI, /docs),
                                       default 5101 [MESH_USERS_HTTP_PORT]
          --inventory-http-port PORT   inventory HTTP port, default 5102 [MESH_INVENTORY_HTTP_PORT]
          --orders-http-port PORT      orders HTTP port, default 5103 [MESH_ORDERS_HTTP_PORT]
          --data-dir PATH              folder for users.db, inventory.db, orders.db; default .mesh/
                                       at the repository root, reused by the next run [MESH_DATA_DIR]
          --postgres CONNSTRING        opt-in: run every service on PostgreSQL instead of SQLite,
                                       each on its own database (mesh_users, mesh_inventory,
                                       mesh_orders, created if missing; Database=NAME makes them
                                       NAME_users, ...) on this server, e.g.
                                       "Host=127.0.0.1;Port=5432;Username=postgres;Password=..." [MESH_POSTGRES]
          --broker URL                 opt-in: relay every service's event log to this RabbitMQ, e.g.
                                       amqp://guest:guest@127.0.0.1:5672/ (exchange mesh.events);
                                       without it messaging is off [MESH_BROKER]
          --auth                       opt-in: access control with a local development issuer; every
                                       call then needs a bearer token. Its key and an admin token are
                                       kept in auth/ in the data folder; never for production [MESH_AUTH=1]
          --no-seed                    do not create the demo user and catalog [MESH_NO_SEED=true]
          --no-dashboard               do not start the Aspire Dashboard (traces, structured logs and
                                       metrics of all three services in the browser) [MESH_NO_DASHBOARD=true]
          --dashboard-port PORT        dashboard pages in the browser, default 18888 [MESH_DASHBOARD_PORT]
          --dashboard-otlp-port PORT   dashboard OTLP/gRPC port the services send to, default 18889
                                       [MESH_DASHBOARD_OTLP_PORT]
          --dashboard-path PATH        run this Aspire.Dashboard executable instead of the one in the
                                       Aspire.Dashboard.Sdk.linux-x64 package [MESH_DASHBOARD_PATH]
          --users-dll PATH             run this Mesh.Users.dll instead of the built one [MESH_USERS_DLL]
          --inventory-dll PATH         same for Mesh.Inventory.dll [MESH_INVENTORY_DLL]
          --orders-dll PATH            same for Mesh.Orders.dll [MESH_ORDERS_DLL]
          -h, --help                   show this text

        Ctrl-C (or SIGTERM) stops the services gracefully, orders first, then the dashboard.
        """;

    /// <summary>
    /// Parses <paramref name="args"/>, reading defaults from <paramref name="environment"/>.
    /// Returns null when help was asked for.
    /// </summary>
    /// <exception cref="ArgumentException">A flag or value is invalid; the message says which.</exception>
    public static MeshLauncherOptions? Parse(IReadOnlyList<string> args, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(environment);

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var info in MeshServiceInfo.All)
        {
            CopyEnvironment(environment, info.PortVariable, info.PortFlag, values);
            CopyEnvironment(environment, info.HttpPortVariable, info.HttpPortFlag, values);
            CopyEnvironment(environment, info.EnvironmentPrefix + "_DLL", $"--{info.Name}-dll", values);
        }

        CopyEnvironment(environment, "MESH_DATA_DIR", "--data-dir", values);
        CopyEnvironment(environment, "MESH_NO_SEED", "--no-seed", values);
        CopyEnvironment(environment, "MESH_POSTGRES", "--postgres", values);
        CopyEnvironment(environment, "MESH_BROKER", "--broker", values);
        CopyEnvironment(environment, "MESH_AUTH", "--auth", values);
        CopyEnvironment(environment, "MESH_NO_DASHBOARD", "--no-dashboard", values);
        CopyEnvironment(environment, "MESH_DASHBOARD_PORT", "--dashboard-port", values);
        CopyEnvironment(environment, "MESH_DASHBOARD_OTLP_PORT", "--dashboard-otlp-port", values);
        CopyEnvironment(environment, "MESH_DASHBOARD_PATH", "--dashboard-path", values);

        for (var index = 0; index < args.Count; index++)
        {
            var flag = args[index];
            switch (flag)
            {
                case "-h" or "--help":
                    return null;
                case "--no-seed" or "--no-dashboard" or "--auth":
                    values[flag] = "true";
                    break;
                case "--data-dir" or "--postgres" or "--broker" or "--users-port" or "--inventory-port" or "--orders-port"
                    or "--users-http-port" or "--inventory-http-port" or "--orders-http-port"
                    or "--users-dll" or "--inventory-dll" or "--orders-dll"
                    or "--dashboard-port" or "--dashboard-otlp-port" or "--dashboard-path":
                    values[flag] = index + 1 < args.Count ? args[++index] : throw new ArgumentException($"{flag} needs a value.");
                    break;
                default:
                    throw new ArgumentException($"Unknown option '{flag}'.");
            }
        }

        var options = new MeshLauncherOptions
        {
            UsersPort = Port(values, MeshService.Users, http: false),
            InventoryPort = Port(values, MeshService.Inventory, http: false),
            OrdersPort = Port(values, MeshService.Orders, http: false),
            UsersHttpPort = Port(values, MeshService.Users, http: true),
            InventoryHttpPort = Port(values, MeshService.Inventory, http: true),
            OrdersHttpPort = Port(values, MeshService.Orders, http: true),
            Auth = Flag(values, "--auth"),
            Seed = !Flag(values, "--no-seed"),
            Dashboard = !Flag(values, "--no-dashboard"),
            DashboardPort = Port(values, "--dashboard-port", MeshLauncherOptions.DefaultDashboardPort),
            DashboardOtlpPort = Port(values, "--dashboard-otlp-port", MeshLauncherOptions.DefaultDashboardOtlpPort),
            DashboardPath = values.TryGetValue("--dashboard-path", out var dashboardPath) ? Path.GetFullPath(dashboardPath) : null,
            AssemblyPaths = MeshServiceInfo.All
                .Where(info => values.ContainsKey($"--{info.Name}-dll"))
                .ToDictionary(info => info.Service, info => Path.GetFullPath(values[$"--{info.Name}-dll"])),
        };
        if (values.TryGetValue("--postgres", out var postgres))
        {
            options = options with { PostgresServer = ValidPostgres(postgres) };
        }

        if (values.TryGetValue("--broker", out var broker))
        {
            options = options with { BrokerUrl = ValidBroker(broker) };
        }

        if (values.TryGetValue("--data-dir", out var dataDirectory))
        {
            options = options with { DataDirectory = Path.GetFullPath(dataDirectory) };
        }

        EnsurePortsDiffer(options);
        return options;
    }

    private static string ValidBroker(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "amqp" or "amqps" && uri.Host.Length > 0
            ? url
            : throw new ArgumentException($"--broker needs an amqp:// or amqps:// URL, e.g. \"amqp://guest:guest@127.0.0.1:5672/\"; got \"{url}\".");

    private static string ValidPostgres(string connectionString)
    {
        try
        {
            var builder = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
            if (string.IsNullOrWhiteSpace(builder.Host))
            {
                throw new ArgumentException("--postgres needs a Host, e.g. \"Host=127.0.0.1;Username=postgres\".");
            }

            _ = PostgresDatabases.DatabaseName(connectionString, MeshService.Users);
            return connectionString;
        }
        catch (ArgumentException exception) when (!exception.Message.StartsWith("--postgres", StringComparison.Ordinal))
        {
            throw new ArgumentException($"--postgres is not a valid connection string: {exception.Message}", exception);
        }
    }

    private static void CopyEnvironment(Func<string, string?> environment, string variable, string flag, Dictionary<string, string> values)
    {
        var value = environment(variable);
        if (!string.IsNullOrWhiteSpace(value))
        {
            values[flag] = value.Trim();
        }
    }

    private static int Port(Dictionary<string, string> values, MeshService service, bool http)
    {
        var info = MeshServiceInfo.Of(service);
        return http
            ? Port(values, info.HttpPortFlag, info.DefaultHttpPort)
            : Port(values, info.PortFlag, info.DefaultPort);
    }

    private static int Port(Dictionary<string, string> values, string flag, int defaultPort)
    {
        if (!values.TryGetValue(flag, out var text))
        {
            return defaultPort;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and <= 65535
            ? port
            : throw new ArgumentException($"{flag} must be a port number from 1 to 65535 (got '{text}').");
    }

    // Each service binds two listeners of its own, and the dashboard two more; a clash would fail
    // only once a process is up. Without the dashboard its ports are never bound, so they may clash.
    private static void EnsurePortsDiffer(MeshLauncherOptions options)
    {
        var ports = MeshServiceInfo.All
            .SelectMany(info => new[]
            {
                (Flag: info.PortFlag, Port: options.PortOf(info.Service)),
                (Flag: info.HttpPortFlag, Port: options.HttpPortOf(info.Service)),
            })
            .ToList();
        if (options.Dashboard)
        {
            ports.Add((Flag: "--dashboard-port", Port: options.DashboardPort));
            ports.Add((Flag: "--dashboard-otlp-port", Port: options.DashboardOtlpPort));
        }

        var clash = ports
            .GroupBy(entry => entry.Port)
            .Select(group => group.ToList())
            .FirstOrDefault(group => group.Count > 1);
        if (clash is not null)
        {
            throw new ArgumentException(
                $"{string.Join(" and ", clash.Select(entry => entry.Flag))} are {(clash.Count == 2 ? "both" : "all")} {clash[0].Port}: " +
                (options.Dashboard
                    ? "the eight ports (gRPC and HTTP of each service, the dashboard's browser and OTLP ports) must differ."
                    : "the six ports (gRPC and HTTP of each service) must differ."));
        }
    }

    private static bool Flag(Dictionary<string, string> values, string flag) =>
        values.TryGetValue(flag, out var text) && text.ToUpperInvariant() switch
        {
            "TRUE" or "1" or "YES" => true,
            "FALSE" or "0" or "NO" => false,
            _ => throw new ArgumentException($"{flag} must be true or false (got '{text}')."),
        };
}
