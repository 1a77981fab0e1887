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
        Assert.True(options.Seed);
        Assert.Equal(".mesh", Path.GetFileName(options.DataDirectory));
        Assert.Equal(new Uri("http://127.0.0.1:5003"), options.AddressOf(MeshService.Orders));
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
}
