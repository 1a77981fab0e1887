using System.Collections.Concurrent;
using Grpc.Net.Client;
using Mesh.Launcher;
using Mesh.Testing;
using Mesh.Testing.Postgres;
using Npgsql;

namespace Mesh.CrossService.Tests.Replicas;

/// <summary>
/// Three replicas of every service as real processes, all nine started at the same moment on three
/// empty PostgreSQL databases (one per service) — the cold start the tests then check. Like pods,
/// replica i of every service has its own loopback address (127.0.0.{2+i}) and all replicas of a
/// service share one port; callers get the list of a service's replicas (<c>static:///</c>) and
/// balance over the ready ones, as they do over a headless Service's pods. Disposing stops every
/// process and drops the databases.
/// </summary>
public sealed class ReplicaMeshFixture : IAsyncLifetime
{
    public const int ReplicaCount = 3;

    /// <summary>
    /// Orders settle abandoned placements quickly here, so a killed replica's orders are seen settled
    /// within the test; not so quickly that a live saga on a slow day (nine replicas on two cores)
    /// is taken for abandoned: at 4 s one was, and its retry got ABORTED.
    /// </summary>
    public static readonly TimeSpan AbandonAfter = TimeSpan.FromSeconds(10);

    private const int OutputCapacity = 50_000;

    private readonly ConcurrentQueue<string> output = new();
    private readonly Dictionary<MeshService, PostgresServer.TestDatabase> databases = [];
    private readonly Dictionary<(MeshService Service, int Index), ServiceProcess> processes = [];
    private readonly Dictionary<(MeshService Service, int Index), Uri> addresses = [];

    /// <summary>How long the simultaneous cold start of all nine processes took.</summary>
    public TimeSpan ColdStart { get; private set; }

    /// <summary>The address of replica <paramref name="index"/> of <paramref name="service"/>.</summary>
    public Uri AddressOf(MeshService service, int index) => addresses[(service, index)];

    /// <summary>The connection string of <paramref name="service"/>'s database (for checks made directly on it).</summary>
    public string ConnectionStringOf(MeshService service) => databases[service].ConnectionString;

    /// <summary>A new channel to one replica; the caller disposes it.</summary>
    public GrpcChannel Channel(MeshService service, int index) => GrpcChannel.ForAddress(AddressOf(service, index));

    public ServiceProcess Process(MeshService service, int index) => processes[(service, index)];

    /// <summary>Every error the services logged (ASP.NET Core's <c>fail:</c> entries) with the lines that follow each.</summary>
    public string ErrorsLogged(int linesPerError = 12)
    {
        var lines = output.ToArray();
        var picked = new List<string>();
        for (var index = 0; index < lines.Length; index++)
        {
            if (lines[index].Contains("fail: ", StringComparison.Ordinal))
            {
                picked.AddRange(lines.Skip(index).Take(linesPerError));
            }
        }

        return string.Join(Environment.NewLine, picked);
    }

    public async Task InitializeAsync()
    {
        if (PostgresServer.SkipReason is not null)
        {
            // Every test of the collection is skipped and says why.
            return;
        }

        foreach (var info in MeshServiceInfo.All)
        {
            databases[info.Service] = await PostgresServer.CreateDatabaseAsync();
        }

        var ports = FreePorts.Take(MeshServiceInfo.All.Count);
        foreach (var info in MeshServiceInfo.All)
        {
            for (var index = 0; index < ReplicaCount; index++)
            {
                addresses[(info.Service, index)] = new Uri($"http://127.0.0.{2 + index}:{ports[(int)info.Service]}");
            }
        }

        var started = System.Diagnostics.Stopwatch.StartNew();
        foreach (var info in MeshServiceInfo.All)
        {
            for (var index = 0; index < ReplicaCount; index++)
            {
                Launch(info.Service, index);
            }
        }

        await Task.WhenAll(processes.Values.Select(WaitUntilServingAsync));
        ColdStart = started.Elapsed;
    }

    /// <summary>Kills replica <paramref name="index"/> of <paramref name="service"/> with SIGKILL and waits until it is gone.</summary>
    public async Task KillAsync(MeshService service, int index)
    {
        var process = processes[(service, index)];
        process.Signal(StopSignal.Kill);
        using var timeout = Deadlines.After(30);
        await process.WaitForExitAsync(timeout.Token);
    }

    /// <summary>Stops replica <paramref name="index"/> of <paramref name="service"/> as Kubernetes does (SIGTERM, then drain) and waits until it exited.</summary>
    public async Task<int> StopAsync(MeshService service, int index)
    {
        using var timeout = Deadlines.After(60);
        return await processes[(service, index)].StopAsync(TimeSpan.FromSeconds(40), timeout.Token);
    }

    /// <summary>
    /// Scales out: starts replica <paramref name="index"/> (≥ <see cref="ReplicaCount"/>) of
    /// <paramref name="service"/> on its own loopback address with <paramref name="settings"/>
    /// on top, and waits until it is ready. It is stopped with the others.
    /// </summary>
    public async Task<Uri> AddReplicaAsync(MeshService service, int index, IReadOnlyDictionary<string, string?> settings)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(index, ReplicaCount);
        addresses[(service, index)] = new Uri($"http://127.0.0.{2 + index}:{AddressOf(service, 0).Port}");
        await WaitUntilServingAsync(Launch(service, index, settings));
        return AddressOf(service, index);
    }

    /// <summary>Starts replica <paramref name="index"/> again (after a kill) and waits until it is ready.</summary>
    public async Task RestartAsync(MeshService service, int index)
    {
        processes[(service, index)].Dispose();
        await WaitUntilServingAsync(Launch(service, index));
    }

    public async Task DisposeAsync()
    {
        await Task.WhenAll(processes.Values.Select(async process =>
        {
            if (!process.HasExited)
            {
                using var timeout = Deadlines.After(40);
                await process.StopAsync(TimeSpan.FromSeconds(20), timeout.Token);
            }

            process.Dispose();
        }));
        foreach (var database in databases.Values)
        {
            await database.DisposeAsync();
        }
    }

    /// <summary>Rows of <paramref name="service"/>'s schema_migrations: (version, how many times it is recorded).</summary>
    public async Task<IReadOnlyList<(int Version, long Count)>> MigrationsAsync(MeshService service)
    {
        await using var connection = new NpgsqlConnection(ConnectionStringOf(service));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT version, count(*) FROM schema_migrations GROUP BY version ORDER BY version;", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(int, long)>();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetInt32(0), reader.GetInt64(1)));
        }

        return rows;
    }

    private ServiceProcess Launch(MeshService service, int index, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var info = MeshServiceInfo.Of(service);
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["Mesh__Storage__Provider"] = "postgres",
            ["Mesh__Storage__ConnectionString"] = databases[service].ConnectionString,
            ["Mesh__Storage__Path"] = null,
        };
        environment["Mesh__ReplicaName"] = ReplicaName(service, index);
        // Readiness turns NOT_SERVING a second before a stopping replica refuses calls, so
        // balancing callers have left it by then (what the pod's drain delay does in the chart).
        environment["Mesh__Shutdown__DrainDelay"] = "00:00:01";
        environment["Mesh__Health__CheckInterval"] = "00:00:00.250";
        if (service == MeshService.Orders)
        {
            environment["Mesh__Services__Users__Address"] = EndpointList(MeshService.Users);
            environment["Mesh__Services__Inventory__Address"] = EndpointList(MeshService.Inventory);
            environment["Mesh__Orders__AbandonAfter"] = AbandonAfter.ToString("c", System.Globalization.CultureInfo.InvariantCulture);
            environment["Mesh__Orders__SweepInterval"] = "00:00:01";
        }
        else if (service == MeshService.Users)
        {
            environment["Mesh__Services__Orders__Address"] = EndpointList(MeshService.Orders);
        }

        foreach (var (name, value) in settings ?? new Dictionary<string, string?>())
        {
            environment[name] = value;
        }

        var spec = new ServiceLaunchSpec(info, MeshPaths.ServiceAssembly(service), AddressOf(service, index), environment);
        var process = ServiceProcess.Start(spec, line => Record($"[{info.Name}#{index}] {line}"));
        processes[(service, index)] = process;
        return process;
    }

    /// <summary>The name a replica reports in the <c>mesh-replica</c> response header, e.g. <c>inventory-2</c>.</summary>
    public static string ReplicaName(MeshService service, int index) => $"{MeshServiceInfo.Of(service).Name}-{index}";

    /// <summary>Every replica of <paramref name="service"/> as one balanced address.</summary>
    public string EndpointList(MeshService service) =>
        "static:///" + string.Join(',', Enumerable.Range(0, ReplicaCount).Select(index => AddressOf(service, index).Authority));

    private async Task WaitUntilServingAsync(ServiceProcess process)
    {
        using var timeout = Deadlines.After(150);
        await ReadinessProbe.WaitUntilServingAsync(process, TimeSpan.FromSeconds(120), timeout.Token);
    }

    private void Record(string line)
    {
        output.Enqueue(line);
        while (output.Count > OutputCapacity && output.TryDequeue(out _))
        {
        }
    }
}
