using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Mesh.Launcher;
using Mesh.Testing;
using Xunit.Abstractions;

namespace Mesh.CrossService.Tests;

/// <summary>
/// The dashboard process on its own: the real one from the package comes up on its two ports and
/// stops again, and every way of not coming up ends in one line saying why, with nothing left running.
/// </summary>
public sealed class MeshDashboardTests(ITestOutputHelper output) : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("mesh-dashboard-test-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void EnvironmentFor_ListensOnLoopbackWithoutLoginAndExportsNothingOfItsOwn()
    {
        var environment = MeshDashboard.EnvironmentFor(new MeshLauncherOptions { DashboardPort = 19888, DashboardOtlpPort = 19889 });

        Assert.Equal("http://127.0.0.1:19888", environment["ASPNETCORE_URLS"]);
        Assert.Equal("http://127.0.0.1:19889", environment["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"]);
        Assert.Equal("Unsecured", environment["DASHBOARD__FRONTEND__AUTHMODE"]);
        Assert.Equal("Unsecured", environment["DASHBOARD__OTLP__AUTHMODE"]);
        Assert.Null(environment["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        Assert.Null(environment["ASPNETCORE_HTTP_PORTS"]);
    }

    [Fact]
    public async Task StartAsync_RealDashboard_ServesItsPagesAndOtlpPortThenStops()
    {
        var (executable, problem) = DashboardExecutable.Find(null);
        Assert.True(executable is not null, problem);
        var options = Options(executable);
        var lines = new List<string>();
        using var timeout = Deadlines.After(90);

        using var dashboard = await MeshDashboard.StartAsync(options, Record(lines), timeout.Token);
        output.WriteLine($"dashboard answered {dashboard.StartTime.TotalSeconds:0.00} s after its process started");
        using (var client = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(15) })
        {
            using var page = await client.GetAsync(new Uri(dashboard.Address, "/traces"), timeout.Token);
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        }

        using (var otlp = new TcpClient())
        {
            await otlp.ConnectAsync(IPAddress.Loopback, options.DashboardOtlpPort, timeout.Token);
        }

        await dashboard.StopAsync(timeout.Token);
        Assert.True(dashboard.HasExited);
        Assert.DoesNotContain(lines, line => line.Contains("exited with code", StringComparison.Ordinal));
    }

    [Fact]
    public async Task StartAsync_ExitsAtOnce_SaysWithWhichCodeAndItsLastLine()
    {
        var options = Options(Script("echo 'Failed to bind to address: address already in use' >&2", "exit 3"));

        var exception = await Assert.ThrowsAsync<DashboardStartException>(() => MeshDashboard.StartAsync(options, _ => { }, CancellationToken.None));

        Assert.Equal("it exited with code 3 before it answered (its last output: Failed to bind to address: address already in use)", exception.Message);
    }

    [Fact]
    public async Task StartAsync_NeverAnswers_GivesUpAfterTheTimeoutAndKillsIt()
    {
        var pidFile = Path.Combine(folder, "pid");
        var options = Options(Script($"echo $$ > '{pidFile}'", "exec sleep 60")) with { DashboardStartTimeout = TimeSpan.FromSeconds(1) };

        var exception = await Assert.ThrowsAsync<DashboardStartException>(() => MeshDashboard.StartAsync(options, _ => { }, CancellationToken.None));

        Assert.Equal($"no answer at http://127.0.0.1:{options.DashboardPort} within 1 s", exception.Message);
        var pid = int.Parse(File.ReadAllText(pidFile).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.False(IsRunning(pid), $"pid {pid} still runs");
    }

    [Theory]
    [InlineData(false, "browser", "--dashboard-port or MESH_DASHBOARD_PORT")]
    [InlineData(true, "OTLP", "--dashboard-otlp-port or MESH_DASHBOARD_OTLP_PORT")]
    public async Task StartAsync_PortTaken_NamesThePortAndHowToPickAnother(bool otlp, string listener, string remedy)
    {
        var options = Options(Script("exit 0"));
        var taken = otlp ? options.DashboardOtlpPort : options.DashboardPort;
        using var holder = new TcpListener(IPAddress.Loopback, taken);
        holder.Start();

        var exception = await Assert.ThrowsAsync<DashboardStartException>(() => MeshDashboard.StartAsync(options, _ => { }, CancellationToken.None));

        Assert.StartsWith($"its {listener} port 127.0.0.1:{taken} is taken (AddressAlreadyInUse)", exception.Message, StringComparison.Ordinal);
        Assert.EndsWith(remedy, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_ExecutableMissing_NamesThePath()
    {
        var missing = Path.Combine(folder, "Aspire.Dashboard");

        var exception = await Assert.ThrowsAsync<DashboardStartException>(() => MeshDashboard.StartAsync(Options(missing), _ => { }, CancellationToken.None));

        Assert.StartsWith($"no dashboard executable at {missing}", exception.Message, StringComparison.Ordinal);
    }

    private static MeshLauncherOptions Options(string executable)
    {
        var ports = FreePorts.Take(2);
        return new MeshLauncherOptions
        {
            Dashboard = true,
            DashboardPath = executable,
            DashboardPort = ports[0],
            DashboardOtlpPort = ports[1],
            DashboardStartTimeout = TimeSpan.FromSeconds(60),
        };
    }

    private Action<string> Record(List<string> lines) => line =>
    {
        lock (lines)
        {
            lines.Add(line);
        }

        output.WriteLine(line);
    };

    private string Script(params string[] commands)
    {
        var path = Path.Combine(folder, "fake-dashboard-" + Guid.NewGuid().ToString("N")[..8]);
        File.WriteAllText(path, "#!/bin/sh\n" + string.Join("\n", commands) + "\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        return path;
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
