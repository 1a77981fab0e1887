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
}
