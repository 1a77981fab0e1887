using Mesh.Inventory.V1;
using Mesh.Launcher;
using Mesh.Users.V1;

namespace Mesh.CrossService.Tests;

/// <summary>The banner's commands are pasted as printed, so their ports, ids and paths must be right.</summary>
public sealed class MeshBannerTests
{
    private const string UserId = "01a2489d-18b8-73e6-b3ba-7027cce1ca0a";

    private static readonly Guid GrpcurlRequestId = Guid.Parse("11111111-1111-4111-8111-111111111111");
    private static readonly Guid CurlRequestId = Guid.Parse("22222222-2222-4222-8222-222222222222");

    private static readonly MeshLauncherOptions Options = new()
    {
        UsersPort = 6001,
        InventoryPort = 6002,
        OrdersPort = 6003,
        UsersHttpPort = 6101,
        InventoryHttpPort = 6102,
        OrdersHttpPort = 6103,
    };

    private static readonly DemoData Demo = new(
        new User { UserId = UserId },
        [new Item { Sku = "MESH-MUG" }, new Item { Sku = "MESH-TEE" }]);

    private static List<string> Banner() =>
        [.. MeshBanner.For(Options, Demo, DashboardStatus.Off, GrpcurlRequestId, CurlRequestId).Select(line => line.Trim())];

    [Theory]
    [InlineData("users", "127.0.0.1:6001", "http://127.0.0.1:6101")]
    [InlineData("inventory", "127.0.0.1:6002", "http://127.0.0.1:6102")]
    [InlineData("orders", "127.0.0.1:6003", "http://127.0.0.1:6103")]
    public void For_EachService_ShowsItsGrpcAndHttpAddressesAndDocs(string name, string grpc, string http)
    {
        var banner = Banner();

        Assert.Contains(banner, line => line.StartsWith(name + " ", StringComparison.Ordinal)
            && line.Contains(grpc, StringComparison.Ordinal) && line.Contains(http, StringComparison.Ordinal));
        Assert.Contains(banner, line => line.StartsWith(name + " ", StringComparison.Ordinal) && line.EndsWith($"{http}/docs", StringComparison.Ordinal));
    }

    [Fact]
    public void For_WithABroker_SaysWhatIsRelayedWhereWithoutThePassword_AndWithoutOneSaysNothing()
    {
        var banner = MeshBanner.For(Options with { BrokerUrl = "amqp://mesh:s3cret@127.0.0.1:5672/" }, Demo, DashboardStatus.Off, GrpcurlRequestId, CurlRequestId);

        Assert.Contains(
            "Events of users, inventory and orders are relayed to exchange mesh.events at amqp://mesh:***@127.0.0.1:5672/ (routing keys users.#, inventory.#, orders.#).",
            banner);
        Assert.DoesNotContain(banner, line => line.Contains("s3cret", StringComparison.Ordinal));
        Assert.DoesNotContain(Banner(), line => line.Contains("relayed", StringComparison.Ordinal));
    }

    [Fact]
    public void For_CurlCommands_UseTheHttpPortsTheDemoUserAndAFreshRequestId()
    {
        var banner = Banner();

        Assert.Contains("curl -s http://127.0.0.1:6102/v1/items", banner);
        Assert.Contains($"curl -s http://127.0.0.1:6101/v1/users/{UserId}", banner);
        Assert.Contains(
            "curl -s -X POST http://127.0.0.1:6103/v1/orders -H 'content-type: application/json' " +
            $"-d '{{\"requestId\":\"{CurlRequestId}\",\"userId\":\"{UserId}\",\"lines\":[{{\"sku\":\"MESH-MUG\",\"quantity\":1}}]}}'",
            banner);
        Assert.Contains($"curl -s 'http://127.0.0.1:6103/v1/orders?userId={UserId}'", banner);
        Assert.Contains("curl -N http://127.0.0.1:6102/v1/items:watch", banner);
    }

    [Fact]
    public void For_GrpcurlCommands_StayOnTheGrpcPorts()
    {
        var banner = Banner();
        var grpcurl = banner.Where(line => line.StartsWith("grpcurl ", StringComparison.Ordinal)).ToList();

        Assert.Contains("grpcurl -plaintext 127.0.0.1:6003 list", grpcurl);
        Assert.Contains($"grpcurl -plaintext -d '{{\"user_id\":\"{UserId}\"}}' 127.0.0.1:6001 mesh.users.v1.UserService/GetUser", grpcurl);
        Assert.Contains(grpcurl, line => line.Contains($"\"request_id\":\"{GrpcurlRequestId}\"", StringComparison.Ordinal)
            && line.EndsWith("127.0.0.1:6003 mesh.orders.v1.OrderService/PlaceOrder", StringComparison.Ordinal));
        Assert.DoesNotContain(grpcurl, line => line.Contains(":610", StringComparison.Ordinal));
        Assert.DoesNotContain(banner, line => line.StartsWith("curl ", StringComparison.Ordinal) && line.Contains(":600", StringComparison.Ordinal));
    }

    [Fact]
    public void For_WithoutDemoData_SaysWhatToPutInPlaceOfTheUserId()
    {
        var banner = MeshBanner.For(Options, demo: null, DashboardStatus.Off, GrpcurlRequestId, CurlRequestId);

        Assert.Contains(banner, line => line.Contains("--no-seed", StringComparison.Ordinal) && line.Contains(MeshBanner.UserIdPlaceholder, StringComparison.Ordinal));
        Assert.Contains($"  curl -s http://127.0.0.1:6101/v1/users/{MeshBanner.UserIdPlaceholder}", banner);
        Assert.Contains(banner, line => line.Contains("\"sku\":\"MESH-MUG\"", StringComparison.Ordinal) && line.Contains("/v1/orders ", StringComparison.Ordinal));
    }

    [Fact]
    public void For_DashboardRunning_ShowsItsAddressBeforeTheDocs()
    {
        var banner = MeshBanner.For(Options, Demo, DashboardStatus.Running(new Uri("http://127.0.0.1:18890")), GrpcurlRequestId, CurlRequestId).ToList();

        var line = Assert.Single(banner, line => line.Contains("Aspire Dashboard", StringComparison.Ordinal));
        Assert.EndsWith("http://127.0.0.1:18890", line, StringComparison.Ordinal);
        Assert.True(banner.IndexOf(line) < banner.FindIndex(text => text.StartsWith("API docs", StringComparison.Ordinal)));
    }

    [Fact]
    public void For_DashboardNotRunning_SaysWhyOnOneLine()
    {
        var banner = MeshBanner.For(Options, Demo, DashboardStatus.NotRunning("its browser port 127.0.0.1:18888 is taken"), GrpcurlRequestId, CurlRequestId);

        Assert.Contains("No dashboard (traces, logs, metrics): its browser port 127.0.0.1:18888 is taken.", banner);
        Assert.DoesNotContain(banner, line => line.Contains("http://127.0.0.1:18888", StringComparison.Ordinal));
    }

    [Fact]
    public void For_DashboardOff_NamesTheSwitch()
    {
        var line = MeshBanner.DashboardLine(DashboardStatus.Off);

        Assert.Contains("--no-dashboard", line, StringComparison.Ordinal);
        Assert.Contains("MESH_NO_DASHBOARD", line, StringComparison.Ordinal);
    }

    [Fact]
    public void For_WithAuth_SaysWhereTheAdminTokenIsAndHowToExportIt()
    {
        var options = Options with { Auth = true, DataDirectory = "/tmp/mesh banner" };

        var banner = MeshBanner.For(options, Demo, DashboardStatus.Off, GrpcurlRequestId, CurlRequestId).Select(line => line.Trim()).ToList();

        Assert.Contains(banner, line => line.StartsWith("An admin token", StringComparison.Ordinal)
            && line.Contains("/tmp/mesh banner/auth/admin.token", StringComparison.Ordinal));
        Assert.Contains("export MESH_TOKEN=$(cat '/tmp/mesh banner/auth/admin.token')", banner);
        Assert.Contains("dotnet run --project services/Mesh.Launcher -- token --user <uuid> --data-dir '/tmp/mesh banner'", banner);
        Assert.True(
            banner.IndexOf("export MESH_TOKEN=$(cat '/tmp/mesh banner/auth/admin.token')") < banner.FindIndex(line => line.StartsWith("grpcurl ", StringComparison.Ordinal)),
            "the export comes before the commands that read it");
    }

    [Fact]
    public void For_WithAuthOnTheDefaultDataFolder_TheTokenCommandNeedsNoDataDir()
    {
        var banner = MeshBanner.For(Options with { Auth = true }, Demo, DashboardStatus.Off, GrpcurlRequestId, CurlRequestId).Select(line => line.Trim());

        Assert.Contains("dotnet run --project services/Mesh.Launcher -- token --user <uuid>", banner);
    }

    [Fact]
    public void For_WithAuth_EveryCallOfAMeshMethodSendsTheToken_HealthAndReflectionDoNot()
    {
        var banner = MeshBanner.For(Options with { Auth = true }, Demo, DashboardStatus.Off, GrpcurlRequestId, CurlRequestId).Select(line => line.Trim()).ToList();
        const string Header = "-H \"authorization: Bearer $MESH_TOKEN\"";

        var meshCalls = banner.Where(line => line.StartsWith("curl ", StringComparison.Ordinal)
            || (line.StartsWith("grpcurl ", StringComparison.Ordinal) && line.Contains(" mesh.", StringComparison.Ordinal) && !line.Contains(" describe ", StringComparison.Ordinal))).ToList();
        Assert.Equal(5 + 4, meshCalls.Count);
        Assert.All(meshCalls, line => Assert.Contains(Header, line, StringComparison.Ordinal));
        Assert.Contains($"curl -s {Header} http://127.0.0.1:6102/v1/items", banner);
        Assert.Contains($"grpcurl -plaintext {Header} 127.0.0.1:6002 mesh.inventory.v1.InventoryService/ListItems", banner);
        Assert.Contains("grpcurl -plaintext 127.0.0.1:6003 list", banner);
        Assert.Contains(banner, line => line.EndsWith("grpc.health.v1.Health/Check", StringComparison.Ordinal) && !line.Contains(Header, StringComparison.Ordinal));
    }

    [Fact]
    public void For_WithoutAuth_MentionsNoToken() =>
        Assert.DoesNotContain(Banner(), line => line.Contains("MESH_TOKEN", StringComparison.Ordinal) || line.Contains("authorization", StringComparison.Ordinal));

    [Theory]
    [InlineData("/home/dev/mesh/.mesh", "/home/dev/mesh/.mesh")]
    [InlineData("/tmp/my mesh", "'/tmp/my mesh'")]
    [InlineData("/tmp/it's", "'/tmp/it'\\''s'")]
    [InlineData("/tmp/$HOME", "'/tmp/$HOME'")]
    public void ShellQuote_LeavesPlainPathsAndQuotesTheRest(string path, string expected) =>
        Assert.Equal(expected, MeshBanner.ShellQuote(path));
}
