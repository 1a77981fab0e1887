using Google.Protobuf;
using Mesh.Bench.Echo;
using Mesh.Bench.Load;
using Mesh.Bench.Report;
using Mesh.Bench.Setup;
using Mesh.Bench.V1;

namespace Mesh.Bench.Scenarios;

/// <summary>
/// Scenario 1: the floor. A unary echo on h2c Kestrel in a process of its own, driven exactly like
/// the reads (same closed loop, concurrency and connections), so reads / baseline is the share of
/// the per-call cost that is Mesh's own. The "mesh" variant adds AddMeshDefaults to the same echo.
/// </summary>
public static class BaselineScenario
{
    /// <summary>About the size of a GetUser answer, so framing and copying cost the same.</summary>
    private static readonly ByteString Payload = ByteString.CopyFrom(new byte[96]);

    public static async Task RunAsync(BenchContext context, string kind)
    {
        ArgumentNullException.ThrowIfNull(context);
        var key = "baseline-" + kind;
        var title = kind == "bare" ? "baseline: echo, bare grpc-dotnet" : "baseline: echo + AddMeshDefaults";
        BenchContext.Say($"{title} (closed loop, {context.Profile.Concurrency} in flight)");
        using var echo = await EchoServerProcess.StartAsync(kind, FreePorts.Take(1)[0], context.Log.Write, context.CancellationToken).ConfigureAwait(false);
        using var channels = new ChannelSet(echo.Address, context.Profile.Channels);
        var clients = Enumerable.Range(0, channels.Count).Select(i => new EchoService.EchoServiceClient(channels[i])).ToArray();
        var request = new EchoRequest { Payload = Payload };

        await using var monitor = context.StartMonitor(("echo", () => echo.ProcessId));
        var result = await ClosedLoop.RunAsync(
            (sequence, token) => clients[sequence % clients.Length].EchoAsync(request, deadline: BenchContext.CallDeadline(), cancellationToken: token).ResponseAsync,
            context.Profile.Concurrency,
            context.Profile.Warmup,
            context.Profile.Measure,
            context.CancellationToken,
            monitor.RestartCpu).ConfigureAwait(false);
        var usage = await monitor.StopAsync().ConfigureAwait(false);
        context.Add(ScenarioRow.Measured(key, title, result, usage, $"{Payload.Length}-byte payload each way"));
        if (kind == "bare")
        {
            await StreamFloorScenario.RunAsync(context, echo).ConfigureAwait(false);
        }
    }
}
