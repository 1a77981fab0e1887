using System.Diagnostics;

namespace Mesh.Bench.Load;

/// <summary>
/// Max-throughput mode: N workers, each starting its next call as soon as the last one returns.
/// Latency here is service time under saturation; it hides queueing (coordinated omission), which
/// is what <see cref="OpenLoop"/> is for.
/// </summary>
public static class ClosedLoop
{
    private const int Warming = 0;
    private const int Measuring = 1;
    private const int Stopping = 2;

    /// <param name="onMeasuring">Called when the warm-up ends and the measured window begins (e.g. to restart CPU counting).</param>
    public static async Task<LoadResult> RunAsync(LoadCall call, int concurrency, TimeSpan warmup, TimeSpan measure, CancellationToken cancellationToken, Action? onMeasuring = null)
    {
        ArgumentNullException.ThrowIfNull(call);
        var recorder = new LatencyRecorder();
        var phase = Warming;
        long sequence = 0;
        using var abort = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);

        async Task WorkerAsync()
        {
            await Task.Yield();
            while (Volatile.Read(ref phase) != Stopping && !abort.IsCancellationRequested)
            {
                var measured = Volatile.Read(ref phase) == Measuring;
                var started = Stopwatch.GetTimestamp();
                try
                {
                    await call(Interlocked.Increment(ref sequence), abort.Token).ConfigureAwait(false);
                    if (measured)
                    {
                        recorder.RecordSuccess(Stopwatch.GetTimestamp() - started);
                    }
                }
                catch (Exception exception) when (!abort.IsCancellationRequested)
                {
                    if (measured)
                    {
                        recorder.RecordFailure(Stopwatch.GetTimestamp() - started, exception);
                    }
                }
            }
        }

        var workers = Enumerable.Range(0, concurrency).Select(_ => WorkerAsync()).ToArray();
        TimeSpan window;
        try
        {
            await Task.Delay(warmup, cancellationToken).ConfigureAwait(false);
            onMeasuring?.Invoke();
            Volatile.Write(ref phase, Measuring);
            var measuredFrom = Stopwatch.GetTimestamp();
            await Task.Delay(measure, cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref phase, Stopping);
            window = Stopwatch.GetElapsedTime(measuredFrom);
        }
        finally
        {
            Volatile.Write(ref phase, Stopping);
            if (cancellationToken.IsCancellationRequested)
            {
                await abort.CancelAsync().ConfigureAwait(false);
            }

            // Calls carry deadlines, so the last round ends on its own.
            await Task.WhenAll(workers).ConfigureAwait(false);
        }

        return LoadResult.From(recorder, "closed-loop", null, concurrency, window);
    }
}
