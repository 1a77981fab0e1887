using System.Text.RegularExpressions;

namespace Mesh.Chart.Tests.Infrastructure;

/// <summary>
/// What the services fix and the chart must match. The health names and the gRPC service names are
/// read from the sources (HealthNames.cs, the protos); the rest is stated by the design.
/// </summary>
public static partial class MeshFacts
{
    public const int ContainerPort = 8080;

    /// <summary>The container's HTTP/1.1 port: REST/JSON, gRPC-Web, /openapi/v1.json (Mesh__Http__Urls).</summary>
    public const int HttpContainerPort = 8081;

    /// <summary>The container's Prometheus scrape port: GET /metrics and nothing else (Mesh__Metrics__Urls).</summary>
    public const int MetricsContainerPort = 9464;

    public const long Uid = 1654;

    public static IReadOnlyList<string> Services { get; } = ["users", "inventory", "orders"];

    /// <summary>The ports of the one-machine run (services/Mesh.Launcher); port-forwards use the same.</summary>
    public static IReadOnlyDictionary<string, int> LocalPorts { get; } =
        new Dictionary<string, int> { ["users"] = 5001, ["inventory"] = 5002, ["orders"] = 5003 };

    /// <summary>Who calls whom: orders -> users (GetUser), orders -> inventory (stock), users -> orders (event feed).</summary>
    public static IReadOnlySet<(string Caller, string Callee)> CallGraph { get; } =
        new HashSet<(string, string)> { ("orders", "users"), ("orders", "inventory"), ("users", "orders") };

    /// <summary>
    /// REST requests (gRPC JSON transcoding) and the service that serves each: the collections and
    /// what lies below them, and the custom verbs on the collections (`:watch`, `:batchGet`), which
    /// a path prefix of whole segments does not cover.
    /// </summary>
    public static IReadOnlyList<(string Path, string Service)> RestRequests { get; } =
    [
        ("/v1/users", "users"),
        ("/v1/users/abc", "users"),
        ("/v1/users/abc:deactivate", "users"),
        ("/v1/users:watch", "users"),
        ("/v1/users:batchGet", "users"),
        ("/v1/items", "inventory"),
        ("/v1/items/BOOK-42", "inventory"),
        ("/v1/items/BOOK-42:adjustStock", "inventory"),
        ("/v1/items:watch", "inventory"),
        ("/v1/items:batchGet", "inventory"),
        ("/v1/orders", "orders"),
        ("/v1/orders/abc", "orders"),
        ("/v1/orders/abc:cancel", "orders"),
        ("/v1/order-events", "orders"),
        ("/v1/order-events:watch", "orders"),
    ];

    /// <summary>Paths no service serves over REST: routing them anywhere would expose something unintended.</summary>
    public static IReadOnlyList<string> UnservedPaths { get; } =
        ["/", "/v1", "/v1/usersx", "/v1/items:delete", "/v1/order", "/v2/items", "/openapi/v1.json", "/docs", "/mesh.users.v1.UserService/GetUser"];

    private static readonly Lazy<(string Liveness, string Readiness)> LazyHealthNames = new(ReadHealthNames);

    /// <summary>The grpc.health.v1 names of the liveness and readiness checks, from HealthNames.cs.</summary>
    public static (string Liveness, string Readiness) HealthNames => LazyHealthNames.Value;

    /// <summary>The full gRPC service name from the service's proto: "package.Service".</summary>
    public static string GrpcServiceName(string service)
    {
        var proto = File.ReadAllText(RepositoryPaths.Proto(service));
        var package = PackageRegex().Match(proto);
        var services = ServiceRegex().Matches(proto);
        Assert.True(package.Success, $"no package in {RepositoryPaths.Proto(service)}");
        Assert.True(services.Count == 1, $"expected one service in {RepositoryPaths.Proto(service)}");
        return $"{package.Groups[1].Value}.{services[0].Groups[1].Value}";
    }

    /// <summary>
    /// The streaming methods every service serves beside its own: grpc.health.v1.Health/Watch and
    /// server reflection's ServerReflectionInfo (rpc_method values).
    /// </summary>
    public static IReadOnlySet<string> FrameworkStreamingMethods { get; } = new HashSet<string>(StringComparer.Ordinal) { "Watch", "ServerReflectionInfo" };

    /// <summary>The server-streaming methods of the services' protos (`returns (stream ...)`), by name.</summary>
    public static IReadOnlySet<string> ProtoStreamingMethods() =>
        Services.SelectMany(service => StreamingRpcRegex().Matches(File.ReadAllText(RepositoryPaths.Proto(service))).Select(match => match.Groups[1].Value))
            .ToHashSet(StringComparer.Ordinal);

    private static (string Liveness, string Readiness) ReadHealthNames()
    {
        var source = File.ReadAllText(RepositoryPaths.HealthNamesSource);
        string Constant(string name)
        {
            var match = Regex.Match(source, $@"const\s+string\s+{name}\s*=\s*""([^""]*)""");
            Assert.True(match.Success, $"no const {name} in {RepositoryPaths.HealthNamesSource}");
            return match.Groups[1].Value;
        }

        return (Constant("Liveness"), Constant("Readiness"));
    }

    [GeneratedRegex(@"^\s*package\s+([A-Za-z0-9_.]+)\s*;", RegexOptions.Multiline)]
    private static partial Regex PackageRegex();

    [GeneratedRegex(@"^\s*service\s+([A-Za-z0-9_]+)\s*\{", RegexOptions.Multiline)]
    private static partial Regex ServiceRegex();

    [GeneratedRegex(@"^\s*rpc\s+([A-Za-z0-9_]+)\s*\([^)]*\)\s*returns\s*\(\s*stream\s", RegexOptions.Multiline)]
    private static partial Regex StreamingRpcRegex();
}
