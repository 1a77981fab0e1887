using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Mesh.Container.Tests.Support;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Mesh.Container.Tests.Replicas;

/// <summary>An inventory container: its name (also its host name, so the <c>mesh-replica</c> header) and address on the mesh network.</summary>
public sealed record InventoryReplica(string Name, string Address, int HostPort);

/// <summary>
/// Inventory replicas behind ONE network alias, <c>inventory</c>, on a podman network of their own:
/// podman's DNS (aardvark-dns) answers that name with every running replica's address, as a headless
/// Service's DNS does, and forgets a container's address when it stops. Callers run inside the network
/// (tests/Mesh.DnsProbe, mounted read-only into the aspnet base image) and reach the replicas through
/// the production <c>dns:///inventory:8080</c> path. Same hardening as <see cref="MeshContainers"/>;
/// each replica has its own volume and SQLite file (reads need no shared state). <c>Mesh__ReplicaName</c>
/// is not set: each container gets <c>--hostname</c> = its name, which the service reports as the header.
/// Everything is labelled <see cref="MeshContainers.Label"/> and removed at disposal.
/// </summary>
public sealed class InventoryReplicas(IMessageSink diagnostics) : IAsyncLifetime
{
    /// <summary>The one DNS name every replica answers to.</summary>
    public const string Alias = "inventory";

    /// <summary>Where the probe's build output is mounted in its container.</summary>
    private const string ProbeMount = "/probe";

    /// <summary>Printed on stderr by the probe when its measured calls begin.</summary>
    private const string ProbeCallingMarker = "mesh-dnsprobe: calling";

    private static readonly TimeSpan ProbeLimit = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Resolver options for the containers that look the alias up. aardvark-dns 1.4 closes and reopens
    /// its sockets on every reload (each container start, stop or network connect), and a query sent in
    /// that instant is lost. With glibc's defaults (5 s per try, 2 tries, each nameserver, each search
    /// name) one lost query stalled a lookup for 40 s here, longer than the scale-out test's window;
    /// 1 s per try bounds the stall at a few seconds. The balancer's own behaviour is unchanged.
    /// </summary>
    private static readonly string[] ResolverOptions = ["--dns-option", "timeout:1", "--dns-option", "attempts:3"];

    private readonly string prefix = "mesh-dns-" + Guid.NewGuid().ToString("N")[..10];
    private readonly CreatedResources created = new();
    private readonly List<InventoryReplica> running = [];
    private int started;

    /// <summary>The network the replicas and the probe share.</summary>
    public string NetworkName => prefix;

    /// <summary>The replicas on the network now, in start order.</summary>
    public IReadOnlyList<InventoryReplica> Running => running;

    /// <summary>The probe's build output (bin/&lt;Configuration&gt;/net10.0), built with this test project.</summary>
    public static string ProbeDirectory { get; } = Path.Combine(
        RepositoryPaths.Root, "tests", "Mesh.DnsProbe", "bin",
        typeof(InventoryReplicas).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "BuildConfiguration").Value!,
        "net10.0");

    private static ContainerEngine Engine => MeshContainers.Engine;

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        if (ContainerEngine.Current is null)
        {
            if (ContainerEngine.Required)
            {
                throw new InvalidOperationException(
                    "MESH_CONTAINER_TESTS=required, but no container engine is usable: " + ContainerEngine.UnavailableReason);
            }

            return; // every [ContainerFact] here is skipped with the reason
        }

        try
        {
            if (!File.Exists(Path.Combine(ProbeDirectory, "Mesh.DnsProbe.dll")))
            {
                throw new InvalidOperationException($"No probe build in {ProbeDirectory}: build tests/Mesh.Container.Tests (it builds tests/Mesh.DnsProbe).");
            }

            var build = await ImageBuild.EnsureBuiltAsync();
            Report($"images ready ({build.Elapsed.TotalSeconds:F1} s, shared with the other fixture)");
            (await Engine.RunAsync(Deadlines.EngineCommand, "network", "create", "--label", MeshContainers.Label, NetworkName)).EnsureSuccess();
            created.AddNetwork(NetworkName);
            await EnsureReplicasAsync(3);
        }
        catch (Exception exception)
        {
            var logs = await RecentLogsAsync();
            await created.RemoveAllAsync();
            throw new InvalidOperationException($"{exception.Message}{Environment.NewLine}{logs}", exception);
        }
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (ContainerEngine.Current is not null)
        {
            await created.RemoveAllAsync();
        }
    }

    /// <summary>
    /// Exactly <paramref name="count"/> SERVING replicas on the alias: removes killed or extra ones
    /// (a test may have killed or added one) and starts new ones, so tests do not depend on their order.
    /// </summary>
    public async Task EnsureReplicasAsync(int count)
    {
        foreach (var replica in running.ToList())
        {
            var state = await Engine.RunAsync(Deadlines.EngineCommand, "inspect", "--format", "{{.State.Status}}", replica.Name);
            if (!state.Succeeded || state.StandardOutput.Trim() != "running" || running.IndexOf(replica) >= count)
            {
                await created.RemoveContainerAsync(replica.Name);
                running.Remove(replica);
            }
        }

        var starting = new List<Task<InventoryReplica>>();
        for (var i = running.Count; i < count; i++)
        {
            starting.Add(StartReplicaAsync());
        }

        running.AddRange(await Task.WhenAll(starting));
    }

    /// <summary>Starts one more replica on the network under <see cref="Alias"/> and waits until its readiness is SERVING through its published port.</summary>
    private async Task<InventoryReplica> StartReplicaAsync()
    {
        var name = $"{prefix}-inventory-{Interlocked.Increment(ref started).ToString(CultureInfo.InvariantCulture)}";
        var volume = name + "-data";
        (await Engine.RunAsync(Deadlines.EngineCommand, "volume", "create", "--label", MeshContainers.Label, volume)).EnsureSuccess();
        created.AddVolume(volume);
        List<string> run =
        [
            "run", "--detach", "--name", name, "--hostname", name, "--label", MeshContainers.Label,
            "--network", NetworkName, "--network-alias", Alias,
            "--user", MeshContainers.AppUid, "--read-only", "--tmpfs", "/tmp",
            "--cap-drop", "ALL", "--security-opt", "no-new-privileges",
            "--volume", $"{volume}:/data", "--env", "Mesh__Storage__Path=/data/inventory.db",
            "--publish", "127.0.0.1::8080",
            "--timeout", ((int)Deadlines.ContainerLifetime.TotalSeconds).ToString(CultureInfo.InvariantCulture),
            MeshContainers.ImageOf(ServiceImage.Inventory),
        ];
        created.AddContainer(name);
        var clock = Stopwatch.StartNew();
        (await Engine.RunAsync(Deadlines.EngineCommand, [.. run])).EnsureSuccess();
        var port = await PublishedPortAsync(name);
        await WaitUntilServingAsync(name, port);
        Report($"{name} SERVING {clock.Elapsed.TotalSeconds:F1} s after run");
        return new InventoryReplica(name, await AddressOnAsync(name, NetworkName), port);
    }

    /// <summary>
    /// Starts one more replica straight into <see cref="Alias"/> (in DNS from its start, as a pod is
    /// when its Service publishes not-ready addresses) and returns once it is SERVING.
    /// </summary>
    public async Task<InventoryReplica> AddReplicaAsync()
    {
        var replica = await StartReplicaAsync();
        running.Add(replica);
        return replica;
    }

    /// <summary>SIGKILLs <paramref name="replica"/>: no drain, no goodbye, as a crashed node.</summary>
    public async Task KillAsync(InventoryReplica replica) =>
        (await Engine.RunAsync(Deadlines.EngineCommand, "kill", "--signal", "KILL", replica.Name)).EnsureSuccess();

    /// <summary>
    /// Runs tests/Mesh.DnsProbe inside the network with <paramref name="settings"/> (configuration keys,
    /// e.g. <c>Probe:Rate</c>); once its measured calls have begun, runs <paramref name="whileCalling"/>.
    /// </summary>
    public async Task<ProbeResult> RunProbeAsync(IReadOnlyDictionary<string, string> settings, Func<Task>? whileCalling = null)
    {
        var name = $"{prefix}-probe-{Interlocked.Increment(ref started).ToString(CultureInfo.InvariantCulture)}";
        List<string> run =
        [
            "run", "--detach", "--name", name, "--label", MeshContainers.Label, "--network", NetworkName, .. ResolverOptions,
            "--user", MeshContainers.AppUid, "--read-only", "--tmpfs", "/tmp",
            "--cap-drop", "ALL", "--security-opt", "no-new-privileges",
            "--volume", $"{ProbeDirectory}:{ProbeMount}:ro",
            "--timeout", ((int)ProbeLimit.TotalSeconds).ToString(CultureInfo.InvariantCulture),
            "mcr.microsoft.com/dotnet/aspnet:10.0", "dotnet", $"{ProbeMount}/Mesh.DnsProbe.dll",
            "--Mesh:Services:Inventory:Address=dns:///" + Alias + ":8080",
            .. settings.Select(setting => $"--{setting.Key}={setting.Value}"),
        ];
        created.AddContainer(name);
        try
        {
            (await Engine.RunAsync(Deadlines.EngineCommand, [.. run])).EnsureSuccess();
            if (whileCalling is not null)
            {
                await WaitForLogAsync(name, ProbeCallingMarker);
                await whileCalling();
            }

            var wait = (await Engine.RunAsync(ProbeLimit, "wait", name)).EnsureSuccess();
            var logs = await Engine.RunAsync(Deadlines.EngineCommand, "logs", name);
            if (wait.StandardOutput.Trim() != "0")
            {
                throw new InvalidOperationException($"The probe exited with {wait.StandardOutput.Trim()}:{Environment.NewLine}{logs.StandardOutput}{logs.StandardError}");
            }

            return ProbeResult.Parse(logs.StandardOutput + Environment.NewLine + logs.StandardError);
        }
        finally
        {
            await created.RemoveContainerAsync(name);
        }
    }

    /// <summary>
    /// What the network's DNS answers for <see cref="Alias"/> now, asked from a new container (whose
    /// start makes aardvark-dns reload, so the answer is current).
    /// </summary>
    public async Task<IReadOnlyList<string>> ResolveAliasAsync()
    {
        var name = $"{prefix}-lookup-{Interlocked.Increment(ref started).ToString(CultureInfo.InvariantCulture)}";
        created.AddContainer(name);
        try
        {
            var lookup = (await Engine.RunAsync(Deadlines.EngineCommand, [
                "run", "--name", name, "--label", MeshContainers.Label, "--network", NetworkName, .. ResolverOptions,
                "--user", MeshContainers.AppUid, "--read-only", "--cap-drop", "ALL", "--security-opt", "no-new-privileges",
                "mcr.microsoft.com/dotnet/aspnet:10.0", "getent", "ahostsv4", Alias])).EnsureSuccess();
            return [.. lookup.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(line => line.Split(' ', 2)[0]).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        }
        finally
        {
            await created.RemoveContainerAsync(name);
        }
    }

    /// <summary>The last log lines of every container, for failure messages.</summary>
    public Task<string> RecentLogsAsync(int lines = 30) => created.RecentLogsAsync(lines);

    private void Report(string message) => diagnostics.OnMessage(new DiagnosticMessage("dns replicas: " + message));

    private static async Task<int> PublishedPortAsync(string container)
    {
        var port = (await Engine.RunAsync(Deadlines.EngineCommand, "port", container, "8080/tcp")).EnsureSuccess();
        var first = port.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[0];
        return int.Parse(first[(first.LastIndexOf(':') + 1)..], CultureInfo.InvariantCulture);
    }

    private static async Task<string> AddressOnAsync(string container, string network)
    {
        var format = "{{(index .NetworkSettings.Networks \"" + network + "\").IPAddress}}";
        return (await Engine.RunAsync(Deadlines.EngineCommand, "inspect", "--format", format, container)).EnsureSuccess().StandardOutput.Trim();
    }

    private static async Task WaitUntilServingAsync(string container, int port)
    {
        var clock = Stopwatch.StartNew();
        var last = "no answer yet";
        while (clock.Elapsed < Deadlines.Serving)
        {
            try
            {
                using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");
                var reply = await new Health.HealthClient(channel).CheckAsync(
                    new HealthCheckRequest { Service = "readiness" }, deadline: DateTime.UtcNow.AddSeconds(2));
                if (reply.Status == HealthCheckResponse.Types.ServingStatus.Serving)
                {
                    return;
                }

                last = "readiness " + reply.Status;
            }
            catch (RpcException exception)
            {
                last = exception.Status.ToString();
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"{container} was not SERVING within {Deadlines.Serving.TotalSeconds:F0} s ({last}).");
    }

    private static async Task WaitForLogAsync(string container, string marker)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < Deadlines.Serving)
        {
            var logs = await Engine.RunAsync(Deadlines.EngineCommand, "logs", container);
            if ((logs.StandardOutput + logs.StandardError).Contains(marker, StringComparison.Ordinal))
            {
                return;
            }

            var state = await Engine.RunAsync(Deadlines.EngineCommand, "inspect", "--format", "{{.State.Status}}", container);
            if (state.StandardOutput.Trim() is "exited" or "dead" or "stopped")
            {
                throw new InvalidOperationException($"The probe stopped before calling:{Environment.NewLine}{logs.StandardOutput}{logs.StandardError}");
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"The probe did not start calling within {Deadlines.Serving.TotalSeconds:F0} s.");
    }
}
