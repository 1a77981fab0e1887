using System.Collections.Concurrent;
using System.Diagnostics;

namespace Mesh.Testing.Telemetry;

/// <summary>
/// Records every span of one activity source that ends while it is alive, in this process (the
/// test's in-process hosts included). Other tests running at the same time may add spans of
/// their own: find yours by trace id or name.
/// </summary>
public sealed class SpanRecorder : IDisposable
{
    private readonly ConcurrentQueue<Activity> _stopped = new();
    private readonly ActivityListener _listener;

    public SpanRecorder(string sourceName)
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == sourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>The spans that ended so far, oldest first.</summary>
    public IReadOnlyList<Activity> Stopped => [.. _stopped];

    /// <summary>Waits (at most <paramref name="timeout"/>, 30 s by default) for an ended span that matches; fails naming what ended instead.</summary>
    public async Task<Activity> WaitForAsync(Func<Activity, bool> match, string what, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(match);
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            if (_stopped.FirstOrDefault(match) is { } found)
            {
                return found;
            }

            if (DateTime.UtcNow > deadline)
            {
                var seen = string.Join(", ", _stopped.Select(span => $"{span.DisplayName} ({span.TraceId})").Distinct().Take(20));
                throw new TimeoutException($"no span {what} ended in time; spans that ended: {(seen.Length == 0 ? "none" : seen)}");
            }

            await Task.Delay(50);
        }
    }

    public void Dispose() => _listener.Dispose();
}
