using System.Globalization;
using System.Net;
using Mesh.Bench.Load;
using Mesh.Bench.Report;
using Mesh.Bench.Setup;

namespace Mesh.Bench.Scenarios;

/// <summary>
/// REST GetItem (<c>GET /v1/items/{sku}</c>, JSON transcoding) over HTTP/1.1 keep-alive on the
/// inventory HTTP port: at max throughput, driven like the gRPC reads (same concurrency, one
/// keep-alive connection per call in flight, as HTTP/1.1 needs), and in an open loop at 1,000
/// requests/s for its latency. Compared with the gRPC GetItem row of the same run.
/// </summary>
public static class RestScenario
{
    public const string ClosedKey = "rest-get-item";
    public const double OpenRate = 1_000;
    public static readonly string OpenKey = string.Create(CultureInfo.InvariantCulture, $"rest-get-item-open-{OpenRate:0}");

    public static async Task RunAsync(BenchContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var address = context.Mesh.HttpAddressOf(MeshTarget.InventoryName);
        if (address is null)
        {
            context.Add(ScenarioRow.NotRun(ClosedKey, "REST GetItem (HTTP/1.1)", "the mesh under test has no HTTP address for inventory"));
            return;
        }

        var concurrency = context.Profile.Concurrency;
        using var http = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = concurrency,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
        })
        {
            BaseAddress = address,
            DefaultRequestVersion = HttpVersion.Version11,
            Timeout = TimeSpan.FromSeconds(15),
        };
        var paths = context.Data.Skus.Select(sku => new Uri($"/v1/items/{Uri.EscapeDataString(sku)}", UriKind.Relative)).ToArray();

        async Task CallAsync(long sequence, CancellationToken token)
        {
            using var response = await http.GetAsync(paths[sequence % paths.Length], HttpCompletionOption.ResponseContentRead, token).ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw new UnexpectedAnswerException("HTTP_" + ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture));
            }
        }

        var title = "REST GetItem, HTTP/1.1 keep-alive (JSON transcoding)";
        BenchContext.Say($"{title} (closed loop, {concurrency} in flight)");
        await using (var monitor = context.StartMonitor())
        {
            var result = await ClosedLoop.RunAsync(CallAsync, concurrency, context.Profile.Warmup, context.Profile.Measure, context.CancellationToken, monitor.RestartCpu).ConfigureAwait(false);
            context.Add(ScenarioRow.Measured(ClosedKey, title, result, await monitor.StopAsync().ConfigureAwait(false)));
        }

        var openTitle = string.Create(CultureInfo.InvariantCulture, $"REST GetItem at {OpenRate:N0}/s (open loop)");
        BenchContext.Say($"{openTitle} (latency from the intended start)");
        await using (var monitor = context.StartMonitor())
        {
            var warmup = TimeSpan.FromTicks(Math.Min(context.Profile.Warmup.Ticks, TimeSpan.FromSeconds(1).Ticks));
            var result = await OpenLoop.RunAsync(CallAsync, OpenRate, warmup, context.Profile.SweepMeasure, concurrency, context.CancellationToken, onMeasuring: monitor.RestartCpu).ConfigureAwait(false);
            context.Add(ScenarioRow.Measured(OpenKey, openTitle, result, await monitor.StopAsync().ConfigureAwait(false)));
        }
    }
}
