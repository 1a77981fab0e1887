using Mesh.Launcher;

namespace Mesh.CrossService.Tests;

/// <summary>The launcher's flags and MESH_* variables, which the README documents.</summary>
public sealed class LauncherCommandLineTests
{
    private static readonly Func<string, string?> NoEnvironment = _ => null;

    [Fact]
    public void Parse_NoArguments_UsesDocumentedDefaults()
    {
        var options = LauncherCommandLine.Parse([], NoEnvironment)!;

        Assert.Equal((5001, 5002, 5003), (options.UsersPort, options.InventoryPort, options.OrdersPort));
        Assert.Equal((5101, 5102, 5103), (options.UsersHttpPort, options.InventoryHttpPort, options.OrdersHttpPort));
        Assert.True(options.Seed);
        Assert.Equal(".mesh", Path.GetFileName(options.DataDirectory));
        Assert.Equal(new Uri("http://127.0.0.1:5003"), options.AddressOf(MeshService.Orders));
        Assert.Equal(new Uri("http://127.0.0.1:5102"), options.HttpAddressOf(MeshService.Inventory));
    }

    [Fact]
    public void Parse_FlagsAndEnvironment_FlagsWin()
    {
        var environment = new Dictionary<string, string?>
        {
            ["MESH_USERS_PORT"] = "6001",
            ["MESH_ORDERS_PORT"] = "6003",
            ["MESH_DATA_DIR"] = "/tmp/from-env",
        };

        var options = LauncherCommandLine.Parse(
            ["--orders-port", "7003", "--data-dir", "/tmp/from-flag", "--no-seed"],
            name => environment.GetValueOrDefault(name))!;

        Assert.Equal((6001, 5002, 7003), (options.UsersPort, options.InventoryPort, options.OrdersPort));
        Assert.Equal(Path.GetFullPath("/tmp/from-flag"), options.DataDirectory);
        Assert.False(options.Seed);
    }

    [Fact]
    public void Parse_HttpPorts_FromFlagsAndEnvironment_FlagsWin()
    {
        var environment = new Dictionary<string, string?>
        {
            ["MESH_USERS_HTTP_PORT"] = "6101",
            ["MESH_INVENTORY_HTTP_PORT"] = "6102",
        };

        var options = LauncherCommandLine.Parse(
            ["--inventory-http-port", "7102", "--orders-http-port", "7103"],
            name => environment.GetValueOrDefault(name))!;

        Assert.Equal((6101, 7102, 7103), (options.UsersHttpPort, options.InventoryHttpPort, options.OrdersHttpPort));
        Assert.Equal((5001, 5002, 5003), (options.UsersPort, options.InventoryPort, options.OrdersPort));
        Assert.Equal(new Uri("http://127.0.0.1:7103"), options.HttpAddressOf(MeshService.Orders));
    }

    [Theory]
    [InlineData("--users-http-port", "0")]
    [InlineData("--inventory-http-port", "65536")]
    [InlineData("--orders-http-port", "5103x")]
    [InlineData("--orders-http-port", "-1")]
    public void Parse_InvalidHttpPort_ThrowsNamingTheFlag(string flag, string value)
    {
        var exception = Assert.Throws<ArgumentException>(() => LauncherCommandLine.Parse([flag, value], NoEnvironment));
        Assert.StartsWith(flag + " must be a port number", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_InvalidHttpPortInEnvironment_ThrowsNamingTheFlag()
    {
        var exception = Assert.Throws<ArgumentException>(() =>
            LauncherCommandLine.Parse([], name => name == "MESH_USERS_HTTP_PORT" ? "http" : null));
        Assert.Contains("--users-http-port", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "--users-http-port", "5002" }, "--users-http-port and --inventory-port are both 5002")]
    [InlineData(new[] { "--orders-http-port", "5101" }, "--users-http-port and --orders-http-port are both 5101")]
    [InlineData(new[] { "--orders-port", "5001" }, "--users-port and --orders-port are both 5001")]
    [InlineData(new[] { "--users-port", "7000", "--users-http-port", "7000", "--orders-http-port", "7000" }, "--users-port and --users-http-port and --orders-http-port are all 7000")]
    public void Parse_PortUsedTwice_ThrowsNamingBothFlags(string[] args, string expected)
    {
        var exception = Assert.Throws<ArgumentException>(() => LauncherCommandLine.Parse(args, NoEnvironment));
        Assert.StartsWith(expected, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_HttpPortMissingValue_Throws() =>
        Assert.Throws<ArgumentException>(() => LauncherCommandLine.Parse(["--inventory-http-port"], NoEnvironment));

    [Fact]
    public void Usage_ListsEveryPortFlagAndVariableWithItsDefault()
    {
        foreach (var info in MeshServiceInfo.All)
        {
            Assert.Contains($"{info.PortFlag} PORT", LauncherCommandLine.Usage, StringComparison.Ordinal);
            Assert.Contains($"{info.HttpPortFlag} PORT", LauncherCommandLine.Usage, StringComparison.Ordinal);
            Assert.Contains($"[{info.PortVariable}]", LauncherCommandLine.Usage, StringComparison.Ordinal);
            Assert.Contains($"[{info.HttpPortVariable}]", LauncherCommandLine.Usage, StringComparison.Ordinal);
            Assert.Contains($"default {info.DefaultHttpPort}", LauncherCommandLine.Usage, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    public void Parse_Help_ReturnsNull(string flag) => Assert.Null(LauncherCommandLine.Parse([flag], NoEnvironment));

    [Theory]
    [InlineData("--users-port", "0")]
    [InlineData("--users-port", "70000")]
    [InlineData("--users-port", "abc")]
    [InlineData("--orders-port", "5001")]
    [InlineData("--colour", "blue")]
    public void Parse_InvalidArgument_Throws(string flag, string value) =>
        Assert.Throws<ArgumentException>(() => LauncherCommandLine.Parse([flag, value], NoEnvironment));

    [Fact]
    public void Parse_Broker_FromFlagOrEnvironment_TurnsMessagingOnForEveryService_AndIsOffByDefault()
    {
        Assert.Null(LauncherCommandLine.Parse([], NoEnvironment)!.BrokerUrl);
        var fromEnvironment = LauncherCommandLine.Parse([], name => name == "MESH_BROKER" ? "amqp://guest:guest@127.0.0.1:5672/" : null)!;
        var fromFlag = LauncherCommandLine.Parse(["--broker", "amqps://mesh:s3cret@rabbit.local/prod"], NoEnvironment)!;

        Assert.Equal("amqp://guest:guest@127.0.0.1:5672/", fromEnvironment.BrokerUrl);
        foreach (var info in MeshServiceInfo.All)
        {
            Assert.Equal("amqps://mesh:s3cret@rabbit.local/prod",
                ServiceEnvironment.For(fromFlag, info.Service, otlpEndpoint: null, extraEnvironment: null)["Mesh__Messaging__Url"]);
            Assert.False(ServiceEnvironment.For(fromEnvironment with { BrokerUrl = null }, info.Service, null, null).ContainsKey("Mesh__Messaging__Url"));
        }

        Assert.Equal("amqps://mesh:***@rabbit.local/prod", MeshBanner.WithoutPassword(fromFlag.BrokerUrl!));
    }

    [Fact]
    public void Parse_NoArguments_LeavesAccessControlOff() =>
        Assert.False(LauncherCommandLine.Parse([], NoEnvironment)!.Auth);

    [Theory]
    [InlineData("--auth", null)]
    [InlineData(null, "1")]
    [InlineData(null, "true")]
    public void Parse_Auth_FromFlagOrEnvironment_TurnsAccessControlOn(string? flag, string? variable)
    {
        string[] args = flag is null ? [] : [flag];

        var options = LauncherCommandLine.Parse(args, name => name == "MESH_AUTH" ? variable : null)!;

        Assert.True(options.Auth);
    }

    [Fact]
    public void Parse_AuthZeroInEnvironment_LeavesItOff() =>
        Assert.False(LauncherCommandLine.Parse([], name => name == "MESH_AUTH" ? "0" : null)!.Auth);

    [Fact]
    public void Parse_AuthNotABoolean_ThrowsNamingTheFlag()
    {
        var exception = Assert.Throws<ArgumentException>(() => LauncherCommandLine.Parse([], name => name == "MESH_AUTH" ? "on please" : null));
        Assert.StartsWith("--auth must be true or false", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Usage_ListsAuthWithItsVariableAndTheTokenCommand()
    {
        Assert.Contains("--auth", LauncherCommandLine.Usage, StringComparison.Ordinal);
        Assert.Contains("[MESH_AUTH=1]", LauncherCommandLine.Usage, StringComparison.Ordinal);
        Assert.Contains("-- token --user UUID", LauncherCommandLine.Usage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://127.0.0.1:5672/")]
    [InlineData("rabbit.local")]
    public void Parse_BrokerThatIsNotAnAmqpUrl_IsRefusedNamingTheFlag(string url)
    {
        var error = Assert.Throws<ArgumentException>(() => LauncherCommandLine.Parse(["--broker", url], NoEnvironment));
        Assert.Contains("--broker needs an amqp:// or amqps:// URL", error.Message);
    }

    [Fact]
    public void Parse_WithoutPostgres_RunsOnTheEmbeddedDefault() =>
        Assert.Null(LauncherCommandLine.Parse([], NoEnvironment)!.PostgresServer);

    [Fact]
    public void Parse_Postgres_FromFlagOrEnvironment_GivesEachServiceItsOwnDatabase()
    {
        var fromEnvironment = LauncherCommandLine.Parse([], name => name == "MESH_POSTGRES" ? "Host=127.0.0.1;Username=dev" : null)!;
        var fromFlag = LauncherCommandLine.Parse(["--postgres", "Host=db.local;Port=6543;Username=dev;Database=demo"], NoEnvironment)!;

        Assert.Equal("Host=127.0.0.1;Username=dev", fromEnvironment.PostgresServer);
        Assert.Equal("mesh_users", PostgresDatabases.DatabaseName(fromEnvironment.PostgresServer!, MeshService.Users));
        Assert.Equal("demo_inventory", PostgresDatabases.DatabaseName(fromFlag.PostgresServer!, MeshService.Inventory));
        var orders = new Npgsql.NpgsqlConnectionStringBuilder(PostgresDatabases.ConnectionStringFor(fromFlag.PostgresServer!, MeshService.Orders));
        Assert.Equal(("db.local", 6543, "demo_orders"), (orders.Host, orders.Port, orders.Database));
    }

    [Theory]
    [InlineData("Username=dev")]
    [InlineData("Host=127.0.0.1;Database=Demo-DB")]
    [InlineData("Host=127.0.0.1;Database=x; DROP DATABASE y")]
    [InlineData("not a connection string")]
    public void Parse_InvalidPostgres_ThrowsNamingTheFlag(string value)
    {
        var exception = Assert.Throws<ArgumentException>(() => LauncherCommandLine.Parse(["--postgres", value], NoEnvironment));
        Assert.StartsWith("--postgres", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Describe_NeverShowsThePassword() =>
        Assert.DoesNotContain("s3cret", PostgresDatabases.Describe("Host=127.0.0.1;Username=dev;Password=s3cret"), StringComparison.Ordinal);

    [Fact]
    public void Parse_NoArguments_StartsTheDashboardOnItsDefaultPorts()
    {
        var options = LauncherCommandLine.Parse([], NoEnvironment)!;

        Assert.True(options.Dashboard);
        Assert.Equal((18888, 18889), (options.DashboardPort, options.DashboardOtlpPort));
        Assert.Equal(new Uri("http://127.0.0.1:18888"), options.DashboardAddress);
        Assert.Equal(new Uri("http://127.0.0.1:18889"), options.DashboardOtlpAddress);
        Assert.Null(options.DashboardPath);
    }

    [Fact]
    public void Options_BuiltInCode_LeaveTheDashboardOff() =>
        Assert.False(new MeshLauncherOptions().Dashboard);

    [Theory]
    [InlineData("--no-dashboard", null)]
    [InlineData(null, "true")]
    [InlineData(null, "1")]
    [InlineData(null, "yes")]
    public void Parse_NoDashboard_FromFlagOrEnvironment_TurnsItOff(string? flag, string? variable)
    {
        string[] args = flag is null ? [] : [flag];

        var options = LauncherCommandLine.Parse(args, name => name == "MESH_NO_DASHBOARD" ? variable : null)!;

        Assert.False(options.Dashboard);
    }

    [Fact]
    public void Parse_NoDashboardFalseInEnvironment_KeepsItOn() =>
        Assert.True(LauncherCommandLine.Parse([], name => name == "MESH_NO_DASHBOARD" ? "false" : null)!.Dashboard);

    [Fact]
    public void Parse_NoDashboardNotABoolean_ThrowsNamingTheFlag()
    {
        var exception = Assert.Throws<ArgumentException>(() => LauncherCommandLine.Parse([], name => name == "MESH_NO_DASHBOARD" ? "maybe" : null));
        Assert.StartsWith("--no-dashboard must be true or false", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_DashboardPorts_FromFlagsAndEnvironment_FlagsWin()
    {
        var environment = new Dictionary<string, string?>
        {
            ["MESH_DASHBOARD_PORT"] = "19888",
            ["MESH_DASHBOARD_OTLP_PORT"] = "19889",
        };

        var fromEnvironment = LauncherCommandLine.Parse([], name => environment.GetValueOrDefault(name))!;
        var fromFlag = LauncherCommandLine.Parse(["--dashboard-otlp-port", "20889"], name => environment.GetValueOrDefault(name))!;

        Assert.Equal((19888, 19889), (fromEnvironment.DashboardPort, fromEnvironment.DashboardOtlpPort));
        Assert.Equal((19888, 20889), (fromFlag.DashboardPort, fromFlag.DashboardOtlpPort));
        Assert.Equal(new Uri("http://127.0.0.1:20889"), fromFlag.DashboardOtlpAddress);
    }

    [Theory]
    [InlineData("--dashboard-port", "0")]
    [InlineData("--dashboard-port", "65536")]
    [InlineData("--dashboard-otlp-port", "4317x")]
    public void Parse_InvalidDashboardPort_ThrowsNamingTheFlag(string flag, string value)
    {
        var exception = Assert.Throws<ArgumentException>(() => LauncherCommandLine.Parse([flag, value], NoEnvironment));
        Assert.StartsWith(flag + " must be a port number", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "--dashboard-port", "5001" }, "--users-port and --dashboard-port are both 5001")]
    [InlineData(new[] { "--dashboard-otlp-port", "5103" }, "--orders-http-port and --dashboard-otlp-port are both 5103")]
    [InlineData(new[] { "--dashboard-otlp-port", "18888" }, "--dashboard-port and --dashboard-otlp-port are both 18888")]
    [InlineData(new[] { "--inventory-http-port", "18889" }, "--inventory-http-port and --dashboard-otlp-port are both 18889")]
    public void Parse_DashboardPortUsedTwice_ThrowsNamingBothFlags(string[] args, string expected)
    {
        var exception = Assert.Throws<ArgumentException>(() => LauncherCommandLine.Parse(args, NoEnvironment));
        Assert.StartsWith(expected, exception.Message, StringComparison.Ordinal);
        Assert.Contains("the eight ports", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_NoDashboard_ItsUnusedPortsMayClash()
    {
        var options = LauncherCommandLine.Parse(["--no-dashboard", "--dashboard-port", "5001"], NoEnvironment)!;

        Assert.False(options.Dashboard);
        Assert.Equal(5001, options.DashboardPort);
    }

    [Fact]
    public void Parse_DashboardPath_FromFlagOrEnvironment_IsMadeAbsolute()
    {
        var fromEnvironment = LauncherCommandLine.Parse([], name => name == "MESH_DASHBOARD_PATH" ? "tools/Aspire.Dashboard" : null)!;
        var fromFlag = LauncherCommandLine.Parse(["--dashboard-path", "/opt/aspire/Aspire.Dashboard"], NoEnvironment)!;

        Assert.Equal(Path.GetFullPath("tools/Aspire.Dashboard"), fromEnvironment.DashboardPath);
        Assert.Equal("/opt/aspire/Aspire.Dashboard", fromFlag.DashboardPath);
    }

    [Theory]
    [InlineData("--no-dashboard", "[MESH_NO_DASHBOARD=true]")]
    [InlineData("--dashboard-port PORT", "[MESH_DASHBOARD_PORT]")]
    [InlineData("--dashboard-otlp-port PORT", "[MESH_DASHBOARD_OTLP_PORT]")]
    [InlineData("--dashboard-path PATH", "[MESH_DASHBOARD_PATH]")]
    public void Usage_ListsEveryDashboardFlagWithItsVariable(string flag, string variable)
    {
        Assert.Contains(flag, LauncherCommandLine.Usage, StringComparison.Ordinal);
        Assert.Contains(variable, LauncherCommandLine.Usage, StringComparison.Ordinal);
    }
}
