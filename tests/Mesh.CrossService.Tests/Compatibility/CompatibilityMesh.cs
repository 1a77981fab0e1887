using System.Collections.Concurrent;
using Grpc.Net.Client;
using Mesh.Launcher;
using Mesh.Testing;

namespace Mesh.CrossService.Tests.Compatibility;

/// <summary>
/// Today's mesh, started by the launcher on existing data (a data folder, or PostgreSQL databases
/// named by the prefix in <c>Database</c>) without seeding, so every row it serves was written
/// by the old code.
/// </summary>
internal sealed class CompatibilityMesh : IAsyncDisposable
{
    private const int OutputCapacity = 2000;

    // The fixtures' events carry the time they were made; the default 30-day retention would
    // prune them once the fixtures are older than that.
    private static readonly IReadOnlyDictionary<string, string?> KeepEveryEvent =
        new Dictionary<string, string?> { ["Mesh__Feeds__Retention"] = "36500.00:00:00" };

    private readonly ConcurrentQueue<string> output = new();

    private CompatibilityMesh()
    {
    }

    public MeshLauncher Launcher { get; private set; } = null!;

    public static async Task<CompatibilityMesh> StartAsync(string dataDirectory, string? postgresServer)
    {
        var mesh = new CompatibilityMesh();
        var ports = FreePorts.Take(6);
        using var timeout = Deadlines.After(150);
        mesh.Launcher = await MeshLauncher.StartAsync(
            MeshLauncherOptions.OnPorts(ports) with
            {
                DataDirectory = dataDirectory,
                PostgresServer = postgresServer,
                Seed = false,
                Environment = MeshServiceInfo.All.ToDictionary(info => info.Service, _ => KeepEveryEvent),
                StartTimeout = TimeSpan.FromSeconds(90),
                StopTimeout = TimeSpan.FromSeconds(30),
                Output = mesh.Record,
            },
            timeout.Token);
        return mesh;
    }

    /// <summary>A new channel to <paramref name="service"/>; the caller disposes it.</summary>
    public GrpcChannel Channel(MeshService service) => GrpcChannel.ForAddress(Launcher.AddressOf(service));

    /// <summary>Runs <paramref name="checks"/>; a failure carries what the services printed last.</summary>
    public async Task CheckAsync(Func<CompatibilityMesh, Task> checks)
    {
        ArgumentNullException.ThrowIfNull(checks);
        try
        {
            await checks(this);
        }
        catch (Exception exception)
        {
            throw new Xunit.Sdk.XunitException(
                $"{exception.Message}{Environment.NewLine}--- last mesh output ---{Environment.NewLine}" +
                string.Join(Environment.NewLine, output.TakeLast(80)),
                exception);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Launcher is not null)
        {
            await Launcher.DisposeAsync();
        }
    }

    private void Record(string line)
    {
        output.Enqueue(line);
        while (output.Count > OutputCapacity && output.TryDequeue(out _))
        {
        }
    }
}
