using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Mesh.Launcher;
using Mesh.Testing;

namespace Mesh.CrossService.Tests;

/// <summary>
/// The mesh never depends on the dashboard: when it cannot start, the launcher prints one line
/// saying why, starts the services anyway (without an OTLP endpoint), and the banner says why too.
/// </summary>
public sealed class LauncherDashboardTests : IDisposable
{
    private readonly string dataDirectory = Directory.CreateTempSubdirectory("mesh-launcher-dashboard-").FullName;
    private readonly ConcurrentQueue<string> output = new();

    public void Dispose() => Directory.Delete(dataDirectory, recursive: true);

    [Fact]
    public async Task StartAsync_DashboardExecutableMissing_StartsTheMeshAndSaysWhy()
    {
        var missing = Path.Combine(dataDirectory, "no-such-dashboard", "Aspire.Dashboard");
        var options = Options() with { DashboardPath = missing };
        using var timeout = Deadlines.After(150);

        await using var mesh = await MeshLauncher.StartAsync(options, timeout.Token);

        var reason = $"no dashboard executable at {missing} (--dashboard-path, MESH_DASHBOARD_PATH)";
        await AssertRunsWithoutDashboardAsync(mesh, reason);
    }

    [Fact]
    public async Task StartAsync_DashboardPortTaken_StartsTheMeshAndSaysWhy()
    {
        var options = Options();
        using var holder = new TcpListener(IPAddress.Loopback, options.DashboardPort);
        holder.Start();
        using var timeout = Deadlines.After(150);

        await using var mesh = await MeshLauncher.StartAsync(options, timeout.Token);

        var reason = $"its browser port 127.0.0.1:{options.DashboardPort} is taken (AddressAlreadyInUse); " +
            "is another dashboard running? Pick another with --dashboard-port or MESH_DASHBOARD_PORT";
        await AssertRunsWithoutDashboardAsync(mesh, reason);
    }

    private async Task AssertRunsWithoutDashboardAsync(MeshLauncher mesh, string reason)
    {
        var printed = string.Join(Environment.NewLine, output);
        Assert.Equal(DashboardStatus.NotRunning(reason), mesh.Dashboard);
        Assert.Contains($"launcher  | the dashboard did not start: {reason}. The mesh runs without it (--no-dashboard skips it).", output);
        Assert.Contains($"No dashboard (traces, logs, metrics): {reason}.", MeshBanner.For(mesh, Guid.NewGuid(), Guid.NewGuid()));

        foreach (var info in MeshServiceInfo.All)
        {
            Assert.DoesNotContain("OTEL_EXPORTER_OTLP_ENDPOINT", mesh[info.Service].Spec.Environment.Keys);
            using var channel = GrpcChannel.ForAddress(mesh.AddressOf(info.Service));
            var health = await new Health.HealthClient(channel).CheckAsync(
                new HealthCheckRequest { Service = ReadinessProbe.HealthName }, deadline: Deadlines.Call());
            Assert.True(health.Status == HealthCheckResponse.Types.ServingStatus.Serving, printed);
        }
    }

    private MeshLauncherOptions Options()
    {
        var ports = FreePorts.Take(8);
        return MeshLauncherOptions.OnPorts(ports) with
        {
            Dashboard = true,
            DataDirectory = dataDirectory,
            Seed = false,
            StartTimeout = TimeSpan.FromSeconds(90),
            Output = output.Enqueue,
        };
    }
}
