using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Mesh.Container.Tests.Support;

/// <summary>
/// Builds the three images once per test run (<see cref="ImageBuild"/>) and runs them as a mesh on a
/// network of their own: non-root (uid 1654), read-only root filesystem, every capability dropped, no privilege escalation, a named volume for /data, ports 8080 (gRPC)
/// and 8081 (HTTP) published on free 127.0.0.1 ports. Every container, volume and the network get unique names and the label
/// <see cref="Label"/>; disposal (or a failed start) removes all of them.
/// </summary>
public sealed class MeshContainers(IMessageSink diagnostics) : IAsyncLifetime
{
    /// <summary>Tag of the images the tests build.</summary>
    public const string ImageTag = "test";

    /// <summary>Prefix of the image names (the registry part is the local store).</summary>
    public const string ImagePrefix = "localhost/mesh-";

    /// <summary>Label on everything the tests create: <c>podman rm -f $(podman ps -aq --filter label=dev.mesh.test)</c>.</summary>
    public const string Label = "dev.mesh.test=container-tests";

    /// <summary>The uid the images declare and the containers run as (the official images' "app" user).</summary>
    public const string AppUid = "1654";

    private readonly string prefix = "mesh-ct-" + Guid.NewGuid().ToString("N")[..10];
    private readonly CreatedResources created = new();
    private readonly ConcurrentDictionary<string, int> ports = new();
    private readonly ConcurrentDictionary<string, int> httpPorts = new();
    private readonly ConcurrentDictionary<string, TimeSpan> startToServing = new();

    /// <summary>The engine in use (only called when one was found).</summary>
    public static ContainerEngine Engine => ContainerEngine.Current
        ?? throw new InvalidOperationException("No container engine: " + ContainerEngine.UnavailableReason);

    /// <summary>How long building the three images took in this run.</summary>
    public TimeSpan ImageBuildTime { get; private set; }

    /// <summary>The build script's closing lines (time per image, sizes).</summary>
    public string ImageBuildSummary { get; private set; } = "";

    /// <summary>Per service: from "run" until its readiness first answered SERVING.</summary>
    public IReadOnlyDictionary<string, TimeSpan> StartToServing => startToServing;

    /// <summary>The network the mesh runs on.</summary>
    public string NetworkName => prefix;

    /// <summary>The image of <paramref name="service"/>.</summary>
    public static string ImageOf(ServiceImage service) => $"{ImagePrefix}{service.Name}:{ImageTag}";

    /// <summary>The container running <paramref name="service"/>.</summary>
    public string ContainerOf(ServiceImage service) => $"{prefix}-{service.Name}";

    /// <summary>An HttpClient for <paramref name="service"/>'s published HTTP port (REST, gRPC-Web); the caller disposes it.</summary>
    public HttpClient Http(ServiceImage service) =>
        new() { BaseAddress = new Uri($"http://127.0.0.1:{httpPorts[service.Name].ToString(CultureInfo.InvariantCulture)}"), Timeout = TimeSpan.FromSeconds(15) };

    /// <summary>A new channel to <paramref name="service"/>'s published port; the caller disposes it.</summary>
    public GrpcChannel Channel(ServiceImage service) =>
        GrpcChannel.ForAddress($"http://127.0.0.1:{ports[service.Name].ToString(CultureInfo.InvariantCulture)}");

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

            // Every test is skipped with the reason (ContainerFact); say it once where everyone looks.
            Report($"WARNING: every container test is SKIPPED. {ContainerEngine.SkipReason}");
            return;
        }

        try
        {
            await BuildImagesAsync();
            Report($"built the images with {Engine.Name} in {ImageBuildTime.TotalSeconds:F1} s{Environment.NewLine}{ImageBuildSummary}");
            await StartMeshAsync();
            Report("run -> readiness SERVING: " + string.Join(", ", StartToServing
                .OrderBy(entry => entry.Key, StringComparer.Ordinal)
                .Select(entry => $"{entry.Key} {entry.Value.TotalSeconds:F2} s")));
        }
        catch (Exception exception)
        {
            var logs = await RecentLogsAsync();
            await CleanUpAsync();
            throw new InvalidOperationException($"{exception.Message}{Environment.NewLine}{logs}", exception);
        }
    }

    /// <inheritdoc />
    public Task DisposeAsync() => CleanUpAsync();

    /// <summary>Restarts <paramref name="service"/>'s container and waits until it is SERVING again.</summary>
    public async Task RestartAsync(ServiceImage service)
    {
        (await Engine.RunAsync(Deadlines.EngineCommand, "restart", "--time", "10", ContainerOf(service))).EnsureSuccess();
        await ReadPortAsync(service); // docker assigns a new random host port on restart
        await WaitUntilServingAsync(service, Stopwatch.StartNew());
    }

    /// <summary>The last log lines of every container, for failure messages.</summary>
    public Task<string> RecentLogsAsync(int lines = 40) => created.RecentLogsAsync(lines);

    private void Report(string message) => diagnostics.OnMessage(new DiagnosticMessage(message));

    private async Task BuildImagesAsync()
    {
        var build = await ImageBuild.EnsureBuiltAsync();
        ImageBuildTime = build.Elapsed;
        ImageBuildSummary = ImageBuild.Summary(build);
    }

    private async Task StartMeshAsync()
    {
        (await Engine.RunAsync(Deadlines.EngineCommand, "network", "create", "--label", Label, NetworkName)).EnsureSuccess();
        created.AddNetwork(NetworkName);

        var started = new Dictionary<ServiceImage, Stopwatch>();
        foreach (var service in ServiceImage.All)
        {
            var volume = $"{prefix}-{service.Name}-data";
            (await Engine.RunAsync(Deadlines.EngineCommand, "volume", "create", "--label", Label, volume)).EnsureSuccess();
            created.AddVolume(volume);

            List<string> run =
            [
                "run", "--detach", "--name", ContainerOf(service), "--label", Label,
                "--network", NetworkName, "--network-alias", service.Name,
                "--user", AppUid, "--read-only", "--tmpfs", "/tmp",
                "--cap-drop", "ALL", "--security-opt", "no-new-privileges",
                "--volume", $"{volume}:/data", "--env", $"Mesh__Storage__Path=/data/{service.Name}.db",
                "--publish", "127.0.0.1::8080",
                "--publish", "127.0.0.1::8081",
            ];
            if (service == ServiceImage.Orders)
            {
                run.AddRange([
                    "--env", $"Mesh__Services__Users__Address=http://{ServiceImage.Users.Name}:8080",
                    "--env", $"Mesh__Services__Inventory__Address=http://{ServiceImage.Inventory.Name}:8080",
                ]);
            }

            if (Engine.IsPodman)
            {
                run.AddRange(["--timeout", ((int)Deadlines.ContainerLifetime.TotalSeconds).ToString(CultureInfo.InvariantCulture)]);
            }

            run.Add(ImageOf(service));
            var clock = Stopwatch.StartNew();
            created.AddContainer(ContainerOf(service));
            (await Engine.RunAsync(Deadlines.EngineCommand, [.. run])).EnsureSuccess();
            started[service] = clock;
            await ReadPortAsync(service);
        }

        await Task.WhenAll(started.Select(async entry => startToServing[entry.Key.Name] = await WaitUntilServingAsync(entry.Key, entry.Value)));
    }

    private async Task ReadPortAsync(ServiceImage service)
    {
        ports[service.Name] = await PublishedPortAsync(service, "8080/tcp");
        httpPorts[service.Name] = await PublishedPortAsync(service, "8081/tcp");
    }

    private async Task<int> PublishedPortAsync(ServiceImage service, string containerPort)
    {
        var port = (await Engine.RunAsync(Deadlines.EngineCommand, "port", ContainerOf(service), containerPort)).EnsureSuccess();
        var first = port.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[0];
        return int.Parse(first[(first.LastIndexOf(':') + 1)..], CultureInfo.InvariantCulture);
    }

    private async Task<TimeSpan> WaitUntilServingAsync(ServiceImage service, Stopwatch clock)
    {
        var attempt = 0;
        string last = "no answer yet";
        while (clock.Elapsed < Deadlines.Serving)
        {
            try
            {
                using var channel = Channel(service);
                var reply = await new Health.HealthClient(channel).CheckAsync(
                    new HealthCheckRequest { Service = "readiness" }, deadline: DateTime.UtcNow.AddSeconds(2));
                if (reply.Status == HealthCheckResponse.Types.ServingStatus.Serving)
                {
                    return clock.Elapsed;
                }

                last = "readiness " + reply.Status;
            }
            catch (RpcException exception)
            {
                last = exception.Status.ToString();
            }

            if (++attempt % 10 == 0)
            {
                var state = await Engine.RunAsync(Deadlines.EngineCommand, "inspect", "--format", "{{.State.Status}}", ContainerOf(service));
                if (state.Succeeded && state.StandardOutput.Trim() is "exited" or "dead" or "stopped")
                {
                    throw new InvalidOperationException($"{ContainerOf(service)} stopped before it was SERVING ({last}).");
                }
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"{ContainerOf(service)} was not SERVING within {Deadlines.Serving.TotalSeconds:F0} s ({last}).");
    }

    private async Task CleanUpAsync()
    {
        if (ContainerEngine.Current is not null)
        {
            await created.RemoveAllAsync();
        }
    }
}
