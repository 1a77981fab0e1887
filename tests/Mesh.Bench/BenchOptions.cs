using System.Globalization;

namespace Mesh.Bench;

/// <summary>The command line of the harness; see <see cref="Usage"/>.</summary>
public sealed record BenchOptions
{
    public const string Usage = """
        Mesh.Bench: load harness for the Mesh services (results: Markdown, JSON, SVG).

          dotnet run -c Release --project tests/Mesh.Bench -- [options]

          --quick                 smoke run (< 90 s): proves the harness works; its numbers mean little
          --only a,b,...          run only these scenarios: baseline, reads, rest, h2load, place-order,
                                  feed, auth, messaging, restart, failover, startup
          --out DIR               output folder (default: artifacts/bench/<utc timestamp>[-quick]/)
          --users-address URL     target a running mesh instead of starting one (all three needed;
          --inventory-address URL loopback only); scenarios that kill or restart processes and the
          --orders-address URL    per-process CPU/RSS columns are then skipped
          --service-env KEY=VALUE environment variable for every service the harness starts
                                  (repeatable), for experiments such as
                                  Logging__LogLevel__Default=Warning; the report lists them
          --seconds N             measure each load phase N seconds instead of the profile's
          --failover-rate N       PlaceOrder calls per second of the failover scenario instead of
                                  the profile's 20/s (PostgreSQL capacity experiments)
          --messaging-rate N      PlaceOrder calls per second of the messaging lag phase instead of
                                  the profile's feed write rate (1,000/s full, 300/s quick)
          --help                  this text

        Internal: --serve-echo bare|mesh --port N runs the baseline echo server (the harness starts it).
        """;

    public static readonly IReadOnlyList<string> AllScenarios = ["baseline", "reads", "rest", "h2load", "place-order", "feed", "auth", "messaging", "restart", "failover", "startup"];

    public bool Quick { get; init; }

    public bool Help { get; init; }

    /// <summary>Overrides the measured seconds of every load phase (experiments); null keeps the profile's.</summary>
    public double? Seconds { get; init; }

    /// <summary>Overrides the failover scenario's PlaceOrder rate (per second); null keeps the profile's.</summary>
    public double? FailoverRate { get; init; }

    public double? MessagingRate { get; init; }

    public IReadOnlySet<string> Scenarios { get; init; } = new HashSet<string>(AllScenarios, StringComparer.Ordinal);

    public string? OutputDirectory { get; init; }

    /// <summary>Addresses of a mesh someone else runs; null means the harness starts its own.</summary>
    public ExternalMesh? External { get; init; }

    /// <summary>Set when this process is the baseline echo server child ("bare" or "mesh").</summary>
    public string? ServeEcho { get; init; }

    /// <summary>Extra environment for every service process (diagnostic experiments; empty = as shipped).</summary>
    public IReadOnlyDictionary<string, string> ServiceEnvironment { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    public int Port { get; init; }

    public bool Runs(string scenario) => Scenarios.Contains(scenario);

    /// <exception cref="ArgumentException">An unknown option or a bad value.</exception>
    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        var options = new BenchOptions();
        Uri? users = null, inventory = null, orders = null;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{arg} needs a value.");
            options = arg switch
            {
                "--quick" => options with { Quick = true },
                "--help" or "-h" => options with { Help = true },
                "--only" => options with { Scenarios = ParseScenarios(Value()) },
                "--out" => options with { OutputDirectory = Path.GetFullPath(Value()) },
                "--serve-echo" => options with { ServeEcho = ParseEchoKind(Value()) },
                "--service-env" => options with { ServiceEnvironment = WithVariable(options.ServiceEnvironment, Value()) },
                "--seconds" => options with { Seconds = double.Parse(Value(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture) },
                "--failover-rate" => options with { FailoverRate = ParseRate(arg, Value()) },
                "--messaging-rate" => options with { MessagingRate = ParseRate(arg, Value()) },
                "--port" => options with { Port = int.Parse(Value(), NumberStyles.None, CultureInfo.InvariantCulture) },
                "--users-address" => Assign(options, ref users, Value()),
                "--inventory-address" => Assign(options, ref inventory, Value()),
                "--orders-address" => Assign(options, ref orders, Value()),
                _ => throw new ArgumentException($"Unknown option {arg}. Try --help."),
            };
        }

        if (users is null && inventory is null && orders is null)
        {
            return options;
        }

        if (users is null || inventory is null || orders is null)
        {
            throw new ArgumentException("Targeting a running mesh needs all three of --users-address, --inventory-address and --orders-address.");
        }

        return options with { External = new ExternalMesh(users, inventory, orders) };
    }

    private static Dictionary<string, string> WithVariable(IReadOnlyDictionary<string, string> environment, string assignment)
    {
        var equals = assignment.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0)
        {
            throw new ArgumentException($"--service-env takes KEY=VALUE, not {assignment}.");
        }

        return new Dictionary<string, string>(environment, StringComparer.Ordinal) { [assignment[..equals]] = assignment[(equals + 1)..] };
    }

    private static BenchOptions Assign(BenchOptions options, ref Uri? target, string value)
    {
        var uri = new Uri(value, UriKind.Absolute);
        // Load goes to this machine only: a benchmark is never pointed at someone else's server.
        if (!uri.IsLoopback)
        {
            throw new ArgumentException($"{value}: the harness only sends load to loopback addresses (127.0.0.1, localhost, [::1]).");
        }

        target = uri;
        return options;
    }

    private static HashSet<string> ParseScenarios(string value)
    {
        var names = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var unknown = names.Where(name => !AllScenarios.Contains(name)).ToList();
        return unknown.Count == 0
            ? new HashSet<string>(names, StringComparer.Ordinal)
            : throw new ArgumentException($"Unknown scenario(s) {string.Join(", ", unknown)}; known: {string.Join(", ", AllScenarios)}.");
    }

    private static double ParseRate(string option, string value) =>
        double.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var rate) && rate > 0
            ? rate
            : throw new ArgumentException($"{option} takes a positive number of calls per second, not {value}.");

    private static string ParseEchoKind(string value) => value is "bare" or "mesh"
        ? value
        : throw new ArgumentException("--serve-echo takes bare or mesh.");
}
