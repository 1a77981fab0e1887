using Mesh.Launcher;
using Mesh.Testing;

namespace Mesh.CrossService.Tests;

/// <summary>
/// Readiness is reported over gRPC, so the launcher checks each HTTP port itself before it prints
/// a banner that links to them; a port that refuses connections fails the start at once, naming
/// the service (the wait for a slow first answer is <see cref="MeshLauncherOptions.HttpCheckTimeout"/>).
/// </summary>
public sealed class LauncherHttpCheckTests
{
    [Fact]
    public async Task StartAsync_ServiceWithoutItsHttpPort_FailsNamingTheServiceAndPort()
    {
        var ports = FreePorts.Take(6);
        var dataDirectory = Path.Combine(Path.GetTempPath(), "mesh-http-check-" + Guid.NewGuid().ToString("N")[..12]);
        var options = MeshLauncherOptions.OnPorts(ports) with
        {
            DataDirectory = dataDirectory,
            Seed = false,
            StartTimeout = TimeSpan.FromSeconds(90),
            Output = _ => { },
            // Removing the variable leaves a service started with --urls without an HTTP listener.
            Environment = new Dictionary<MeshService, IReadOnlyDictionary<string, string?>>
            {
                [MeshService.Inventory] = new Dictionary<string, string?> { ["Mesh__Http__Urls"] = null },
            },
        };
        try
        {
            using var timeout = Deadlines.After(150);
            var exception = await Assert.ThrowsAsync<MeshLaunchException>(() => MeshLauncher.StartAsync(options, timeout.Token));

            Assert.StartsWith(
                $"inventory: ready on gRPC, but its HTTP port http://127.0.0.1:{ports[4]} did not answer GET /openapi/v1.json: it refused connections",
                exception.Message,
                StringComparison.Ordinal);
        }
        finally
        {
            if (Directory.Exists(dataDirectory))
            {
                Directory.Delete(dataDirectory, recursive: true);
            }
        }
    }
}
