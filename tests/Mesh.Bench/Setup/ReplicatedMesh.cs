using Mesh.Launcher;
using Npgsql;

namespace Mesh.Bench.Setup;

/// <summary>
/// The failover scenario's own mesh: users and orders once, inventory three times, every service
/// on its own PostgreSQL database (created here, dropped at the end) so the inventory replicas
/// share state. Orders balances over the three inventory replicas (<c>static:///</c>, the same
/// client code as <c>dns:///</c> in a cluster). Each replica listens on its own loopback address.
/// </summary>
public sealed class ReplicatedMesh : IAsyncDisposable
{
    public const int InventoryReplicas = 3;

    private readonly string server;
    private readonly string prefix = "mesh_bench_" + Guid.NewGuid().ToString("N")[..10];
    private readonly List<(string Name, ServiceProcess Process)> processes = [];

    private readonly IReadOnlyDictionary<string, string> extraEnvironment;

    private ReplicatedMesh(string server, IReadOnlyDictionary<string, string> extraEnvironment)
    {
        this.server = server;
        this.extraEnvironment = extraEnvironment;
    }

    public Uri UsersAddress { get; private set; } = null!;

    public Uri OrdersAddress { get; private set; } = null!;

    public IReadOnlyList<Uri> InventoryAddresses { get; private set; } = [];

    /// <summary>Every process, named (for the resource monitor).</summary>
    public IReadOnlyList<(string Name, ServiceProcess Process)> Processes => processes;

    /// <summary>Starts the five processes; <paramref name="extraEnvironment"/> goes to each (the harness's <c>--service-env</c>).</summary>
    public static async Task<ReplicatedMesh> StartAsync(
        string server, IReadOnlyDictionary<string, string> extraEnvironment, ServiceLog log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(extraEnvironment);
        ArgumentNullException.ThrowIfNull(log);
        var mesh = new ReplicatedMesh(server, extraEnvironment);
        try
        {
            await mesh.LaunchAsync(log, cancellationToken).ConfigureAwait(false);
            return mesh;
        }
        catch
        {
            await mesh.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>SIGKILLs inventory replica <paramref name="index"/> and waits until it is gone.</summary>
    public async Task KillInventoryAsync(int index, CancellationToken cancellationToken)
    {
        var process = processes.Single(entry => entry.Name == $"inventory-{index}").Process;
        process.Signal(StopSignal.Kill);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (_, process) in processes)
        {
            if (!process.HasExited)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                await process.StopAsync(TimeSpan.FromSeconds(20), timeout.Token).ConfigureAwait(false);
            }

            process.Dispose();
        }

        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync().ConfigureAwait(false);
        foreach (var info in MeshServiceInfo.All)
        {
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {prefix}_{info.Name} WITH (FORCE);", connection);
            await drop.ExecuteNonQueryAsync().ConfigureAwait(false);
        }
    }

    private async Task LaunchAsync(ServiceLog log, CancellationToken cancellationToken)
    {
        await using (var connection = new NpgsqlConnection(server))
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            foreach (var info in MeshServiceInfo.All)
            {
                await using var create = new NpgsqlCommand($"CREATE DATABASE {prefix}_{info.Name};", connection);
                await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        var ports = FreePorts.Take(3);
        UsersAddress = new Uri($"http://127.0.0.1:{ports[0]}");
        OrdersAddress = new Uri($"http://127.0.0.1:{ports[2]}");
        InventoryAddresses = [.. Enumerable.Range(0, InventoryReplicas).Select(index => new Uri($"http://127.0.0.{2 + index}:{ports[1]}"))];
        var inventoryList = "static:///" + string.Join(',', InventoryAddresses.Select(address => address.Authority));

        Launch(log, MeshService.Users, "users", UsersAddress, []);
        for (var index = 0; index < InventoryReplicas; index++)
        {
            Launch(log, MeshService.Inventory, $"inventory-{index}", InventoryAddresses[index], []);
        }

        Launch(log, MeshService.Orders, "orders", OrdersAddress, new Dictionary<string, string?>
        {
            ["Mesh__Services__Users__Address"] = UsersAddress.GetLeftPart(UriPartial.Authority),
            ["Mesh__Services__Inventory__Address"] = inventoryList,
        });

        await Task.WhenAll(processes.Select(entry =>
            ReadinessProbe.WaitUntilServingAsync(entry.Process, TimeSpan.FromSeconds(90), cancellationToken))).ConfigureAwait(false);
    }

    private void Launch(ServiceLog log, MeshService service, string name, Uri address, Dictionary<string, string?> settings)
    {
        var info = MeshServiceInfo.Of(service);
        // --service-env first, so the scenario's own settings win over an experiment's.
        var environment = extraEnvironment.ToDictionary(pair => pair.Key, pair => (string?)pair.Value, StringComparer.Ordinal);
        foreach (var (key, value) in settings)
        {
            environment[key] = value;
        }

        environment["Mesh__Storage__Provider"] = "postgres";
        environment["Mesh__Storage__ConnectionString"] = new NpgsqlConnectionStringBuilder(server) { Database = $"{prefix}_{info.Name}" }.ConnectionString;
        environment["Mesh__ReplicaName"] = name;
        var process = ServiceProcess.Start(new ServiceLaunchSpec(info, MeshPaths.ServiceAssembly(service), address, environment), line => log.Write($"[{name}] {line}"));
        processes.Add((name, process));
    }
}
