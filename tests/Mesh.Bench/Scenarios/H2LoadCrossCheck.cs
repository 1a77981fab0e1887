using System.Buffers.Binary;
using System.Globalization;
using System.Text.RegularExpressions;
using Google.Protobuf;
using HdrHistogram;
using Mesh.Bench.Load;
using Mesh.Bench.Report;
using Mesh.Bench.Setup;
using Mesh.Users.V1;

namespace Mesh.Bench.Scenarios;

/// <summary>
/// Cross-check of the harness with an independent client: h2load (nghttp2) sends a pre-encoded
/// GetUser frame (5-byte gRPC prefix + protobuf) over h2c. h2load only sees HTTP status, and gRPC
/// errors are HTTP 200 too, so a call counts as grpc-status 0 only through two checks:
/// (1) nghttp sends the same frame once and must show "grpc-status: 0" in the trailers;
/// (2) every OK GetUser answer for the probe user (who never orders) is the same N bytes, while a
/// failed call carries no message at all: so OK calls = DATA bytes received / N, and the harness
/// reports only those. Latency percentiles come from h2load's per-request log.
/// </summary>
public static partial class H2LoadCrossCheck
{
    private const string Key = "h2load-get-user";
    private const string Title = "cross-check: h2load GetUser (grpc-status 0 only)";

    public static async Task RunAsync(BenchContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var h2load = ExternalTool.Find("h2load");
        if (h2load is null)
        {
            context.Add(ScenarioRow.NotRun(Key, Title, "h2load is not installed (Debian package nghttp2-client); cross-check skipped"));
            return;
        }

        var users = new UserService.UserServiceClient(context.Mesh.Channel(MeshTarget.UsersName));
        var request = new GetUserRequest { UserId = context.Data.ProbeUserId };
        var framePath = Path.Combine(context.OutputDirectory, "get-user.grpc-frame");
        await File.WriteAllBytesAsync(framePath, Frame(request), context.CancellationToken).ConfigureAwait(false);
        var url = new Uri(context.Mesh.AddressOf(MeshTarget.UsersName), "/mesh.users.v1.UserService/GetUser").ToString();
        string[] headers = ["-H", "content-type: application/grpc", "-H", "te: trailers"];

        var trailerCheck = await NghttpTrailerCheckAsync(headers, framePath, url, context.CancellationToken).ConfigureAwait(false);
        var sizeBefore = await ReplySizeAsync(users, request, context.CancellationToken).ConfigureAwait(false);

        var profile = context.Profile;
        var connections = profile.Channels;
        var streams = Math.Max(1, profile.Concurrency / connections);
        var logPath = Path.Combine(context.OutputDirectory, "h2load-requests.tsv");
        BenchContext.Say($"{Title}: {profile.H2LoadRequests} requests, {connections} connections x {streams} streams");
        string[] arguments = ["-n", profile.H2LoadRequests.ToString(CultureInfo.InvariantCulture), "-c", connections.ToString(CultureInfo.InvariantCulture),
            "-m", streams.ToString(CultureInfo.InvariantCulture), "-t", "1", .. headers, "-d", framePath, "--log-file", logPath, url];
        var h2loadPid = new int?[1];
        await using var monitor = context.StartMonitor(("h2load", () => h2loadPid[0]));
        var (exitCode, output) = await ExternalTool.RunAsync(h2load, arguments, TimeSpan.FromSeconds(120), context.CancellationToken,
            pid => h2loadPid[0] = pid).ConfigureAwait(false);
        var usage = await monitor.StopAsync().ConfigureAwait(false);
        await File.WriteAllTextAsync(Path.Combine(context.OutputDirectory, "h2load.txt"), $"h2load {string.Join(' ', arguments)}\n\n{output}", context.CancellationToken).ConfigureAwait(false);
        var sizeAfter = await ReplySizeAsync(users, request, context.CancellationToken).ConfigureAwait(false);

        var seconds = Seconds(output);
        var dataBytes = Number(DataBytesRegex(), output);
        var done = Number(DoneRegex(), output);
        if (exitCode != 0 || double.IsNaN(seconds) || double.IsNaN(dataBytes) || double.IsNaN(done))
        {
            context.Add(ScenarioRow.Failed(Key, Title, $"h2load exited {exitCode}; see h2load.txt"));
            return;
        }

        var grpcOk = (long)(dataBytes / sizeBefore);
        var errors = new Dictionary<string, long>(StringComparer.Ordinal);
        if ((long)done > grpcOk)
        {
            errors["NOT_GRPC_OK"] = (long)done - grpcOk;
        }

        if (profile.H2LoadRequests > (long)done)
        {
            errors["H2LOAD_NOT_DONE"] = profile.H2LoadRequests - (long)done;
        }

        var load = new LoadResult("h2load", null, connections * streams, seconds, grpcOk, errors.Values.Sum(), errors,
            Math.Round(grpcOk / seconds, 1), LatencyFromLog(logPath));
        var checks = new List<string>
        {
            trailerCheck,
            dataBytes % sizeBefore == 0 && sizeBefore == sizeAfter
                ? $"DATA bytes = {grpcOk:N0} x {sizeBefore} B (one OK answer)"
                : $"DATA bytes {dataBytes:N0} are not a whole number of {sizeBefore}-byte answers (answer size after: {sizeAfter}); count is approximate",
        };
        context.Add(ScenarioRow.Measured(Key, Title, load, usage, string.Join("; ", checks), new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["h2load_done"] = done,
            ["grpc_ok"] = grpcOk,
            ["reply_bytes"] = sizeBefore,
            ["trailer_check_passed"] = trailerCheck.StartsWith("nghttp saw grpc-status: 0", StringComparison.Ordinal) ? 1 : 0,
        }));
    }

    /// <summary>The gRPC length-prefixed message: flag 0 (uncompressed), big-endian length, protobuf bytes.</summary>
    public static byte[] Frame(IMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var body = message.ToByteArray();
        var frame = new byte[5 + body.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)body.Length);
        body.CopyTo(frame, 5);
        return frame;
    }

    private static async Task<string> NghttpTrailerCheckAsync(string[] headers, string framePath, string url, CancellationToken cancellationToken)
    {
        var nghttp = ExternalTool.Find("nghttp");
        if (nghttp is null)
        {
            return "nghttp missing: trailer check skipped";
        }

        var (_, output) = await ExternalTool.RunAsync(nghttp, ["-v", .. headers, "-d", framePath, url], TimeSpan.FromSeconds(20), cancellationToken).ConfigureAwait(false);
        return output.Contains("grpc-status: 0", StringComparison.Ordinal)
            ? "nghttp saw grpc-status: 0 for the same frame"
            : "nghttp did NOT see grpc-status: 0 for the frame";
    }

    private static async Task<long> ReplySizeAsync(UserService.UserServiceClient users, GetUserRequest request, CancellationToken cancellationToken)
    {
        var reply = await users.GetUserAsync(request, deadline: BenchContext.CallDeadline(), cancellationToken: cancellationToken).ResponseAsync.ConfigureAwait(false);
        return 5 + reply.CalculateSize();
    }

    /// <summary>h2load's --log-file: start time (us since epoch), HTTP status, microseconds to the end of the response.</summary>
    private static LatencySummary LatencyFromLog(string logPath)
    {
        var histogram = new LongHistogram(1, 300_000_000, 3);
        foreach (var line in File.ReadLines(logPath))
        {
            var columns = line.Split('\t');
            if (columns.Length >= 3 && long.TryParse(columns[2], NumberStyles.None, CultureInfo.InvariantCulture, out var micros))
            {
                histogram.RecordValue(Math.Clamp(micros, 1, 300_000_000));
            }
        }

        return LatencySummary.FromMicroseconds(histogram);
    }

    private static double Number(Regex regex, string text)
    {
        var match = regex.Match(text);
        return match.Success ? double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : double.NaN;
    }

    /// <summary>h2load prints the duration as "1.23s", "456.78ms" or "900us".</summary>
    private static double Seconds(string output)
    {
        var match = FinishedRegex().Match(output);
        if (!match.Success)
        {
            return double.NaN;
        }

        var value = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        return match.Groups[2].Value switch
        {
            "ms" => value / 1e3,
            "us" => value / 1e6,
            _ => value,
        };
    }

    [GeneratedRegex(@"finished in ([0-9.]+)(s|ms|us),")]
    private static partial Regex FinishedRegex();

    [GeneratedRegex(@"\(([0-9]+)\) data")]
    private static partial Regex DataBytesRegex();

    [GeneratedRegex(@"requests: [0-9]+ total, [0-9]+ started, ([0-9]+) done")]
    private static partial Regex DoneRegex();
}
