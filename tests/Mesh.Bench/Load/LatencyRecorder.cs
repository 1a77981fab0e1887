using System.Collections.Concurrent;
using System.Diagnostics;
using Grpc.Core;
using HdrHistogram;

namespace Mesh.Bench.Load;

/// <summary>
/// Thread-safe record of one measured phase: an HdrHistogram of call latency in microseconds (every
/// completed call, failed ones included, so a failure that takes long still shows) and the failures
/// by gRPC status code.
/// </summary>
public sealed class LatencyRecorder
{
    /// <summary>Longest latency the histogram holds; anything slower is clamped to it.</summary>
    private const long HighestMicroseconds = 300_000_000;

    private readonly LongConcurrentHistogram histogram = new(1, HighestMicroseconds, 3);
    private readonly ConcurrentDictionary<string, long> errors = new(StringComparer.Ordinal);
    private long succeeded;

    public long Succeeded => Interlocked.Read(ref succeeded);

    public long Failed => errors.Values.Sum();

    public IReadOnlyDictionary<string, long> ErrorsByStatus =>
        errors.OrderBy(pair => pair.Key, StringComparer.Ordinal).ToDictionary(pair => pair.Key, pair => pair.Value, StringComparer.Ordinal);

    public HistogramBase Histogram => histogram;

    public void RecordSuccess(long elapsedTicks)
    {
        Record(elapsedTicks);
        Interlocked.Increment(ref succeeded);
    }

    public void RecordFailure(long elapsedTicks, Exception exception)
    {
        Record(elapsedTicks);
        RecordError(StatusName(exception));
    }

    /// <summary>A failure that has no latency (e.g. a call the client never got to send).</summary>
    public void RecordError(string status) => errors.AddOrUpdate(status, 1, (_, count) => count + 1);

    public void RecordValueMicroseconds(long microseconds) =>
        histogram.RecordValue(Math.Clamp(microseconds, 1, HighestMicroseconds));

    public LatencySummary Summary() => LatencySummary.FromMicroseconds(histogram);

    /// <summary>The gRPC status code name, as the table and the JSON show it (e.g. UNAVAILABLE).</summary>
    public static string StatusName(Exception exception) => exception switch
    {
        RpcException rpc => ToUpperSnake(rpc.StatusCode.ToString()),
        UnexpectedAnswerException unexpected => unexpected.Status,
        OperationCanceledException => "CLIENT_CANCELLED",
        _ => "CLIENT_" + exception.GetType().Name,
    };

    private void Record(long elapsedTicks) =>
        RecordValueMicroseconds(elapsedTicks * 1_000_000 / Stopwatch.Frequency);

    private static string ToUpperSnake(string pascal) =>
        string.Concat(pascal.Select((c, i) => i > 0 && char.IsUpper(c) ? "_" + c : c.ToString())).ToUpperInvariant();
}
