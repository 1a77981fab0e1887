using System.Collections.Concurrent;
using Grpc.Net.Client;
using Mesh.Launcher;
using Mesh.Testing;

namespace Mesh.CrossService.Tests;

/// <summary>
/// Starts the real mesh once for the collection: free loopback ports (never the defaults
/// 5001-5003 and 5101-5103) and a temporary data folder; disposing stops every process and
/// deletes the folder.
/// </summary>
public sealed class MeshFixture : IAsyncLifetime
{
    private const int OutputCapacity = 2000;

    private readonly ConcurrentQueue<string> output = new();
    private readonly ConcurrentQueue<string> errorLines = new();

    /// <summary>The running mesh.</summary>
    public MeshLauncher Mesh { get; private set; } = null!;

    /// <summary>The temporary data folder.</summary>
    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "mesh-cross-service-" + Guid.NewGuid().ToString("N")[..12]);

    /// <summary>The last lines the launcher and the services printed, for failure messages.</summary>
    public string RecentOutput(int lines = 60) => string.Join(Environment.NewLine, output.TakeLast(lines));

    /// <summary>Every error-level entry the services logged so far (console <c>fail:</c> and <c>crit:</c> lines), oldest first.</summary>
    public IReadOnlyList<string> ErrorLines => [.. errorLines];

    /// <summary>A new channel to <paramref name="service"/>; the caller disposes it.</summary>
    public GrpcChannel Channel(MeshService service) => GrpcChannel.ForAddress(Mesh.AddressOf(service));

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        var ports = FreePorts.Take(6);
        var options = MeshLauncherOptions.OnPorts(ports) with
        {
            DataDirectory = DataDirectory,
            StartTimeout = TimeSpan.FromSeconds(90),
            StopTimeout = TimeSpan.FromSeconds(30),
            Output = Record,
        };
        using var timeout = Deadlines.After(150);
        Mesh = await MeshLauncher.StartAsync(options, timeout.Token);
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (Mesh is not null)
        {
            await Mesh.DisposeAsync();
        }

        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // Nothing was written.
        }
    }

    private void Record(string line)
    {
        if (line.Contains("fail: ", StringComparison.Ordinal) || line.Contains("crit: ", StringComparison.Ordinal))
        {
            errorLines.Enqueue(line);
        }

        output.Enqueue(line);
        while (output.Count > OutputCapacity && output.TryDequeue(out _))
        {
        }
    }
}
