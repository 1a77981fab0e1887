using System.Diagnostics;
using Mesh.Bench.Measure;
using Mesh.Bench.Report;
using Mesh.Bench.Scenarios;
using Mesh.Bench.Setup;
using Mesh.Launcher;

namespace Mesh.Bench;

/// <summary>Runs the scenarios in order, then writes results.md, results.json and the PlaceOrder plot.</summary>
public static class BenchSuite
{
    public static async Task<int> RunAsync(BenchOptions options, string command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var profile = options.Quick ? BenchProfile.Quick : BenchProfile.Full;
        if (options.Seconds is double seconds)
        {
            profile = profile.WithSeconds(seconds);
        }

        if (options.FailoverRate is double failoverRate)
        {
            profile = profile with { FailoverRate = failoverRate };
        }

        if (options.MessagingRate is double messagingRate)
        {
            profile = profile with { MessagingRate = messagingRate };
        }

        var startedUtc = DateTimeOffset.UtcNow;
        var started = Stopwatch.GetTimestamp();
        var root = MeshPaths.RepositoryRoot ?? Directory.GetCurrentDirectory();
        var output = options.OutputDirectory
            ?? Path.Combine(root, "artifacts", "bench", $"{startedUtc:yyyyMMdd-HHmmss}{(options.Quick ? "-quick" : string.Empty)}");
        Directory.CreateDirectory(output);
        var machine = MachineInfo.Collect(MeshPaths.RepositoryRoot);
        BenchContext.Say($"Mesh.Bench {profile.Name} run; {machine.Cores} cores, load average {machine.LoadAverageAtStart}; output in {output}");

        using var log = new ServiceLog(Path.Combine(output, "services.log"));
        var notes = new List<string>();
        BenchContext? context = null;
        var failed = false;
        try
        {
            await using var mesh = options.External is { } external
                ? MeshTarget.Connect(external)
                : await StartMeshAsync(log, options.ServiceEnvironment, cancellationToken).ConfigureAwait(false);
            var data = await BenchData.CreateAsync(mesh, cancellationToken).ConfigureAwait(false);
            context = new BenchContext(profile, mesh, data, log, output, cancellationToken) { ServiceEnvironment = options.ServiceEnvironment };

            await RunScenariosAsync(options, context).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            notes.Add("Interrupted (Ctrl-C): the rows above are the scenarios that finished.");
            failed = true;
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // The results so far still get written: a harness that dies silently is worse than one that says why.
            BenchContext.Say($"FAILED: {exception}");
            notes.Add($"The run failed: {exception.GetType().Name}: {exception.Message} (see services.log).");
            failed = true;
        }

        var rows = context?.Rows ?? [];
        notes.AddRange(StandingNotes(profile, options));
        var report = new BenchReport(profile.Name, command, startedUtc, Math.Round(Stopwatch.GetElapsedTime(started).TotalSeconds, 1),
            machine, MachineInfo.LoadAverage(), rows, TargetEvaluator.Evaluate(rows), notes);
        var markdown = MarkdownReport.Render(report);
        var paths = new[] { "results.md", "results.json", "place-order-latency.svg" }.Select(name => Path.Combine(output, name)).ToArray();
        await File.WriteAllTextAsync(paths[0], markdown, CancellationToken.None).ConfigureAwait(false);
        await File.WriteAllTextAsync(paths[1], JsonReport.Render(report), CancellationToken.None).ConfigureAwait(false);
        await File.WriteAllTextAsync(paths[2], LatencyPlot.Render("PlaceOrder latency vs offered load (open loop)", SweepPoints(rows), TargetEvaluator.PlaceOrderP99Ms), CancellationToken.None).ConfigureAwait(false);

        Console.WriteLine();
        Console.WriteLine(markdown);
        BenchContext.Say($"done in {report.TotalSeconds:0} s; wrote:");
        foreach (var path in paths.Append(log.Path))
        {
            Console.WriteLine("  " + path);
        }

        return failed ? 1 : 0;
    }

    private static async Task<MeshTarget> StartMeshAsync(ServiceLog log, IReadOnlyDictionary<string, string> environment, CancellationToken cancellationToken)
    {
        BenchContext.Say("starting the mesh with MeshLauncher (free loopback ports, temporary data folder; service output in services.log)");
        var mesh = await MeshTarget.StartAsync(log, environment, cancellationToken).ConfigureAwait(false);
        BenchContext.Say($"mesh ready in {mesh.StartTime?.TotalSeconds:0.00} s: users {mesh.AddressOf(MeshTarget.UsersName)}, inventory {mesh.AddressOf(MeshTarget.InventoryName)}, orders {mesh.AddressOf(MeshTarget.OrdersName)}");
        return mesh;
    }

    private static async Task RunScenariosAsync(BenchOptions options, BenchContext context)
    {
        if (options.Runs("baseline"))
        {
            await BaselineScenario.RunAsync(context, "bare").ConfigureAwait(false);
            if (context.Profile.EchoWithMeshDefaults)
            {
                await BaselineScenario.RunAsync(context, "mesh").ConfigureAwait(false);
            }
        }

        if (options.Runs("reads"))
        {
            await ReadsScenario.RunAsync(context).ConfigureAwait(false);
        }

        if (options.Runs("rest"))
        {
            await RestScenario.RunAsync(context).ConfigureAwait(false);
        }

        if (options.Runs("h2load"))
        {
            await H2LoadCrossCheck.RunAsync(context).ConfigureAwait(false);
        }

        if (options.Runs("place-order"))
        {
            await PlaceOrderScenario.RunAsync(context).ConfigureAwait(false);
        }

        if (options.Runs("feed"))
        {
            await FeedFanoutScenario.RunAsync(context).ConfigureAwait(false);
        }

        if (options.Runs("auth"))
        {
            await AuthScenario.RunAsync(context).ConfigureAwait(false);
        }

        if (options.Runs("messaging"))
        {
            await MessagingScenario.RunAsync(context).ConfigureAwait(false);
        }

        if (options.Runs("restart"))
        {
            await RestartScenario.RunAsync(context).ConfigureAwait(false);
        }

        if (options.Runs("failover"))
        {
            await FailoverScenario.RunAsync(context).ConfigureAwait(false);
        }

        // Last: it restarts every service, on the data the other scenarios left.
        if (options.Runs("startup"))
        {
            await StartupScenario.RunAsync(context).ConfigureAwait(false);
        }
    }

    private static List<(double Offered, double P50, double P99, double Achieved)> SweepPoints(IReadOnlyList<ScenarioRow> rows) =>
        [.. rows.Where(row => row.Ok && row.Key.StartsWith("place-order-open-", StringComparison.Ordinal) && row.Load?.OfferedPerSecond is not null)
            .Select(row => (row.Load!.OfferedPerSecond!.Value, row.Load.Latency.P50Ms, row.Load.Latency.P99Ms, row.Load.ThroughputPerSecond))
            .OrderBy(point => point.Item1)];

    private static IEnumerable<string> StandingNotes(BenchProfile profile, BenchOptions options)
    {
        if (options.Quick)
        {
            yield return "Quick mode proves the harness works (every scenario runs briefly); its numbers are not measurements. CI never asserts speed.";
        }

        if (options.ServiceEnvironment.Count > 0)
        {
            yield return "EXPERIMENT, not the shipped configuration: every service ran with " +
                string.Join(", ", options.ServiceEnvironment.Select(pair => $"{pair.Key}={pair.Value}")) + ".";
        }

        if (options.External is not null)
        {
            yield return "Ran against a mesh at given addresses: per-service CPU and RSS, restart and start-up need a mesh this run starts.";
        }

        yield return $"Closed loop: {profile.Concurrency} calls in flight over {profile.Channels} HTTP/2 connections; warm-up {profile.Warmup.TotalSeconds:0.#} s, measured {profile.Measure.TotalSeconds:0.#} s.";
        yield return "The load generator shares the machine's cores with the services: on 2 cores its own CPU (column B) is taken from them.";
    }
}
