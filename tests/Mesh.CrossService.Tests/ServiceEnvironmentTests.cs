using Mesh.Launcher;

namespace Mesh.CrossService.Tests;

/// <summary>
/// What a service process of the local mesh is told: its HTTP port (it opens none otherwise when
/// started with --urls), /docs on, CORS open to the pages of all three HTTP ports, and with the
/// dashboard running where to send telemetry, often enough to show a call within seconds; with
/// --auth how to check tokens against the local key set and where its own token is.
/// </summary>
public sealed class ServiceEnvironmentTests
{
    private static readonly MeshLauncherOptions Options = new()
    {
        UsersPort = 6001,
        InventoryPort = 6002,
        OrdersPort = 6003,
        UsersHttpPort = 6101,
        InventoryHttpPort = 6102,
        OrdersHttpPort = 6103,
        DataDirectory = "/tmp/mesh-environment-test",
    };

    public static TheoryData<MeshService, string> HttpUrls() => new()
    {
        { MeshService.Users, "http://127.0.0.1:6101" },
        { MeshService.Inventory, "http://127.0.0.1:6102" },
        { MeshService.Orders, "http://127.0.0.1:6103" },
    };

    [Theory]
    [MemberData(nameof(HttpUrls))]
    public void For_EachService_ListensOnItsOwnHttpPortWithDocs(MeshService service, string url)
    {
        var environment = ServiceEnvironment.For(Options, service, otlpEndpoint: null, extraEnvironment: null);

        Assert.Equal(url, environment["Mesh__Http__Urls"]);
        Assert.Equal("true", environment["Mesh__Http__Docs"]);
    }

    [Fact]
    public void For_EveryService_AllowsTheLocalRunsOriginsUnderBothLoopbackNames()
    {
        string[] expected =
        [
            "http://127.0.0.1:6101", "http://localhost:6101",
            "http://127.0.0.1:6102", "http://localhost:6102",
            "http://127.0.0.1:6103", "http://localhost:6103",
        ];

        foreach (var info in MeshServiceInfo.All)
        {
            var environment = ServiceEnvironment.For(Options, info.Service, otlpEndpoint: null, extraEnvironment: null);
            var origins = environment.Where(pair => pair.Key.StartsWith("Mesh__Http__CorsOrigins__", StringComparison.Ordinal))
                .OrderBy(pair => int.Parse(pair.Key["Mesh__Http__CorsOrigins__".Length..], System.Globalization.CultureInfo.InvariantCulture))
                .Select(pair => pair.Value);
            Assert.Equal(expected, origins);
        }
    }

    [Fact]
    public void For_Orders_CallsTheOthersOnTheirGrpcPortsNotTheHttpOnes()
    {
        var environment = ServiceEnvironment.For(Options, MeshService.Orders, otlpEndpoint: null, extraEnvironment: null);

        Assert.Equal("http://127.0.0.1:6001", environment["Mesh__Services__Users__Address"]);
        Assert.Equal("http://127.0.0.1:6002", environment["Mesh__Services__Inventory__Address"]);
        Assert.Equal(Path.GetFullPath("/tmp/mesh-environment-test/orders.db"), environment["Mesh__Storage__Path"]);
    }

    [Fact]
    public void For_OptionsAndExtraLayers_OverrideTheDefaults()
    {
        var options = Options with
        {
            Environment = new Dictionary<MeshService, IReadOnlyDictionary<string, string?>>
            {
                [MeshService.Inventory] = new Dictionary<string, string?> { ["Mesh__Http__Docs"] = "false" },
            },
        };

        var environment = ServiceEnvironment.For(options, MeshService.Inventory, otlpEndpoint: null, new Dictionary<string, string?> { ["Mesh__Http__Urls"] = null });

        Assert.Equal("false", environment["Mesh__Http__Docs"]);
        Assert.True(environment.ContainsKey("Mesh__Http__Urls"));
        Assert.Null(environment["Mesh__Http__Urls"]);
    }

    [Theory]
    [InlineData(MeshService.Users)]
    [InlineData(MeshService.Inventory)]
    [InlineData(MeshService.Orders)]
    public void For_WithDashboard_SendsTracesLogsAndMetricsThereOverGrpcEverySecondOrTwo(MeshService service)
    {
        var environment = ServiceEnvironment.For(Options, service, new Uri("http://127.0.0.1:18899"), extraEnvironment: null);

        Assert.Equal("http://127.0.0.1:18899", environment["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        Assert.Equal("grpc", environment["OTEL_EXPORTER_OTLP_PROTOCOL"]);
        Assert.InRange(int.Parse(environment["OTEL_BSP_SCHEDULE_DELAY"]!, System.Globalization.CultureInfo.InvariantCulture), 1000, 5000);
        Assert.InRange(int.Parse(environment["OTEL_BLRP_SCHEDULE_DELAY"]!, System.Globalization.CultureInfo.InvariantCulture), 1000, 5000);
        Assert.InRange(int.Parse(environment["OTEL_METRIC_EXPORT_INTERVAL"]!, System.Globalization.CultureInfo.InvariantCulture), 1000, 5000);
    }

    [Fact]
    public void For_WithoutDashboard_SetsNoTelemetryVariable()
    {
        foreach (var info in MeshServiceInfo.All)
        {
            var environment = ServiceEnvironment.For(Options, info.Service, otlpEndpoint: null, extraEnvironment: null);

            Assert.DoesNotContain(environment.Keys, name => name.StartsWith("OTEL_", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void For_WithDashboard_LeavesTheRestAsWithout()
    {
        var without = ServiceEnvironment.For(Options, MeshService.Orders, otlpEndpoint: null, extraEnvironment: null);
        var with = ServiceEnvironment.For(Options, MeshService.Orders, new Uri("http://127.0.0.1:18899"), extraEnvironment: null);

        Assert.Equal(
            without.OrderBy(pair => pair.Key, StringComparer.Ordinal),
            with.Where(pair => !pair.Key.StartsWith("OTEL_", StringComparison.Ordinal)).OrderBy(pair => pair.Key, StringComparer.Ordinal));
    }

    public static TheoryData<MeshService, string> ServiceNames() => new()
    {
        { MeshService.Users, "users" },
        { MeshService.Inventory, "inventory" },
        { MeshService.Orders, "orders" },
    };

    [Theory]
    [MemberData(nameof(ServiceNames))]
    public void For_WithAuth_ChecksPeopleAndServicesAgainstTheLocalKeySet_KnowsEveryService_AndHasItsOwnToken(MeshService service, string name)
    {
        var environment = ServiceEnvironment.For(Options with { Auth = true }, service, otlpEndpoint: null, extraEnvironment: null);

        var keySet = Path.GetFullPath("/tmp/mesh-environment-test/auth/jwks.json");
        var expected = new Dictionary<string, string?>
        {
            ["Mesh__Auth__Enabled"] = "true",
            ["Mesh__Auth__People__Issuer"] = "mesh-dev",
            ["Mesh__Auth__People__Audience"] = "mesh-api",
            ["Mesh__Auth__People__KeyFile"] = keySet,
            ["Mesh__Auth__Services__Issuer"] = "mesh-dev",
            ["Mesh__Auth__Services__Audience"] = "mesh",
            ["Mesh__Auth__Services__KeyFile"] = keySet,
            ["Mesh__Auth__ServiceSubjects__users"] = "mesh-dev:service:users",
            ["Mesh__Auth__ServiceSubjects__inventory"] = "mesh-dev:service:inventory",
            ["Mesh__Auth__ServiceSubjects__orders"] = "mesh-dev:service:orders",
            ["Mesh__Auth__TokenFile"] = Path.GetFullPath($"/tmp/mesh-environment-test/auth/{name}.token"),
        };
        Assert.Equal(
            expected.OrderBy(pair => pair.Key, StringComparer.Ordinal),
            environment.Where(pair => pair.Key.StartsWith("Mesh__Auth__", StringComparison.Ordinal)).OrderBy(pair => pair.Key, StringComparer.Ordinal));
        Assert.True(Path.IsPathFullyQualified(environment["Mesh__Auth__TokenFile"]!));
    }

    [Fact]
    public void For_WithAuth_LeavesTheRestAsWithout()
    {
        var without = ServiceEnvironment.For(Options, MeshService.Orders, otlpEndpoint: null, extraEnvironment: null);
        var with = ServiceEnvironment.For(Options with { Auth = true }, MeshService.Orders, otlpEndpoint: null, extraEnvironment: null);

        Assert.Equal(
            without.OrderBy(pair => pair.Key, StringComparer.Ordinal),
            with.Where(pair => !pair.Key.StartsWith("Mesh__Auth__", StringComparison.Ordinal)).OrderBy(pair => pair.Key, StringComparer.Ordinal));
    }

    [Fact]
    public void For_WithoutAuth_SetsNoAuthVariable()
    {
        foreach (var info in MeshServiceInfo.All)
        {
            var environment = ServiceEnvironment.For(Options, info.Service, new Uri("http://127.0.0.1:18899"), extraEnvironment: null);

            Assert.DoesNotContain(environment.Keys, name => name.StartsWith("Mesh__Auth", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void For_WithAuth_OptionsAndExtraLayersStillOverride()
    {
        var options = Options with
        {
            Auth = true,
            Environment = new Dictionary<MeshService, IReadOnlyDictionary<string, string?>>
            {
                [MeshService.Users] = new Dictionary<string, string?> { ["Mesh__Auth__People__Issuer"] = "https://login.example.com" },
            },
        };

        var environment = ServiceEnvironment.For(options, MeshService.Users, otlpEndpoint: null, new Dictionary<string, string?> { ["Mesh__Auth__Enabled"] = "false" });

        Assert.Equal("https://login.example.com", environment["Mesh__Auth__People__Issuer"]);
        Assert.Equal("false", environment["Mesh__Auth__Enabled"]);
    }
}
