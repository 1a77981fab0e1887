using System.Diagnostics;
using Grpc.Net.Client;
using Mesh.Launcher;

namespace Mesh.Bench.Setup;

/// <summary>
/// The mesh under test: either started here through MeshLauncher (the same code as the local run,
/// on free loopback ports with a temporary data folder, so processes can be measured, killed and
/// restarted), or a running mesh at given loopback addresses.
/// </summary>
public sealed class MeshTarget : IAsyncDisposable
{
    public const string UsersName = "users";
    public const string InventoryName = "inventory";
    public const string OrdersName = "orders";

    public static readonly IReadOnlyList<string> ServiceNames = [UsersName, InventoryName, OrdersName];

    private readonly Dictionary<string, Uri> addresses;
    private readonly Dictionary<string, GrpcChannel> channels = new(StringComparer.Ordinal);
    private readonly string? dataDirectory;

    private MeshTarget(Dictionary<string, Uri> addresses, MeshLauncher? launcher, string? dataDirectory, TimeSpan? startTime)
    {
        this.addresses = addresses;
        Launcher = launcher;
        this.dataDirectory = dataDirectory;
        StartTime = startTime;
    }

    /// <summary>The launcher when this run started the mesh; null for an external mesh.</summary>
    public MeshLauncher? Launcher { get; }

    /// <summary>How long MeshLauncher.StartAsync took for all three at once (process start to all SERVING).</summary>
    public TimeSpan? StartTime { get; }

    /// <param name="environment">Extra variables for all three services (experiments); empty runs them as shipped.</param>
    /// <param name="auth">Whether access control is on, with the launcher's development issuer (<c>--auth</c>).</param>
    public static async Task<MeshTarget> StartAsync(ServiceLog log, IReadOnlyDictionary<string, string> environment, CancellationToken cancellationToken, bool auth = false)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(environment);
        IReadOnlyDictionary<string, string?> variables = environment.ToDictionary(pair => pair.Key, string? (pair) => pair.Value, StringComparer.Ordinal);
        var ports = FreePorts.Take(6);
        var dataDirectory = Path.Combine(Path.GetTempPath(), "mesh-bench-" + Guid.NewGuid().ToString("N")[..12]);
        var options = MeshLauncherOptions.OnPorts(ports) with
        {
            DataDirectory = dataDirectory,
            Seed = false,
            Auth = auth,
            StartTimeout = TimeSpan.FromSeconds(90),
            StopTimeout = TimeSpan.FromSeconds(20),
            Output = log.Write,
            Environment = new Dictionary<MeshService, IReadOnlyDictionary<string, string?>>
            {
                [MeshService.Users] = variables,
                [MeshService.Inventory] = variables,
                [MeshService.Orders] = variables,
            },
        };
        var started = Stopwatch.GetTimestamp();
        var launcher = await MeshLauncher.StartAsync(options, cancellationToken).ConfigureAwait(false);
        var elapsed = Stopwatch.GetElapsedTime(started);
        var addresses = new Dictionary<string, Uri>(StringComparer.Ordinal)
        {
            [UsersName] = launcher.AddressOf(MeshService.Users),
            [InventoryName] = launcher.AddressOf(MeshService.Inventory),
            [OrdersName] = launcher.AddressOf(MeshService.Orders),
        };
        return new MeshTarget(addresses, launcher, dataDirectory, elapsed);
    }

    public static MeshTarget Connect(ExternalMesh external)
    {
        ArgumentNullException.ThrowIfNull(external);
        return new MeshTarget(
            new Dictionary<string, Uri>(StringComparer.Ordinal)
            {
                [UsersName] = external.Users,
                [InventoryName] = external.Inventory,
                [OrdersName] = external.Orders,
            },
            launcher: null,
            dataDirectory: null,
            startTime: null);
    }

    public static MeshService ServiceOf(string name) => name switch
    {
        UsersName => MeshService.Users,
        InventoryName => MeshService.Inventory,
        OrdersName => MeshService.Orders,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "Unknown service."),
    };

    public Uri AddressOf(string name) => addresses[name];

    /// <summary>The service's HTTP/1.1 port (REST, gRPC-Web) when this run started the mesh; null for an external one.</summary>
    public Uri? HttpAddressOf(string name) => Launcher?.HttpAddressOf(ServiceOf(name));

    /// <summary>One shared channel for set-up calls (the load uses ChannelSets of its own).</summary>
    public GrpcChannel Channel(string name)
    {
        lock (channels)
        {
            if (!channels.TryGetValue(name, out var channel))
            {
                channel = GrpcChannel.ForAddress(AddressOf(name));
                channels[name] = channel;
            }

            return channel;
        }
    }

    /// <summary>The processes of the services this bench started (none for a mesh it connected to).</summary>
    public IReadOnlyList<int> Pids() => [.. ServiceNames.Select(PidOf).OfType<int>()];

    /// <summary>The current pid of a service this run started; null for an external mesh or while it is down.</summary>
    public int? PidOf(string name)
    {
        if (Launcher is null)
        {
            return null;
        }

        try
        {
            return Launcher[ServiceOf(name)].ProcessId;
        }
        catch (InvalidOperationException)
        {
            return null; // stopped, between a kill and its restart
        }
    }

    public async ValueTask DisposeAsync()
    {
        lock (channels)
        {
            foreach (var channel in channels.Values)
            {
                channel.Dispose();
            }

            channels.Clear();
        }

        if (Launcher is not null)
        {
            await Launcher.DisposeAsync().ConfigureAwait(false);
        }

        if (dataDirectory is not null && Directory.Exists(dataDirectory))
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
    }
}
