using System.Diagnostics;

namespace Mesh.Bench.Load;

/// <summary>
/// Fixed-arrival-rate mode. Call i is due at start + i/rate whatever happened to earlier calls, and
/// its latency is measured from that intended start, not from when it was actually sent: a stall
/// then shows in every call it delayed (coordinated-omission correction), as real users arriving
/// independently would see it. A dedicated thread keeps the schedule; it sleeps in 1 ms steps,
/// so the numbers carry up to about 1 ms of scheduling lateness (pessimistic, never flattering).
/// </summary>
public static class OpenLoop
{
    /// <summary>Runs <paramref name="rate"/> calls per second for warmup + measure; only calls due in the measure window count.</summary>
    /// <param name="maxInFlight">Cap on outstanding calls; when it is reached the schedule waits, and the wait counts as latency.</param>
    /// <param name="onSample">Every call of the whole run (warm-up included), for timelines.</param>
    /// <param name="onMeasuring">Called when the first call of the measured window is due (e.g. to restart CPU counting).</param>
    public static async Task<LoadResult> RunAsync(
        LoadCall call,
        double rate,
        TimeSpan warmup,
        TimeSpan measure,
        int maxInFlight,
        CancellationToken cancellationToken,
        Action<CallSample>? onSample = null,
        Action? onMeasuring = null)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rate);
        var recorder = new LatencyRecorder();
        var frequency = (double)Stopwatch.Frequency;
        var total = (long)Math.Round((warmup + measure).TotalSeconds * rate);
        var gate = new SemaphoreSlim(maxInFlight, maxInFlight);
        var inFlight = new List<Task>();
        var start = Stopwatch.GetTimestamp() + (long)(0.05 * frequency);
        var windowFrom = start + (long)(warmup.TotalSeconds * frequency);
        var windowTo = windowFrom + (long)(measure.TotalSeconds * frequency);
        // A saturated system cannot take the schedule: stop sending a while after it ends.
        var sendUntil = windowTo + (long)(Math.Max(2, measure.TotalSeconds / 2) * frequency);
        long completedInWindow = 0;

        async Task OneAsync(long sequence, long intended)
        {
            var status = "OK";
            try
            {
                await call(sequence, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
            {
                status = LatencyRecorder.StatusName(exception);
                if (intended >= windowFrom)
                {
                    recorder.RecordFailure(Stopwatch.GetTimestamp() - intended, exception);
                }
            }
            finally
            {
                gate.Release();
            }

            var done = Stopwatch.GetTimestamp();
            if (status == "OK" && intended >= windowFrom)
            {
                recorder.RecordSuccess(done - intended);
                if (done <= windowTo)
                {
                    Interlocked.Increment(ref completedInWindow);
                }
            }

            onSample?.Invoke(new CallSample(intended, (done - intended) * 1000.0 / frequency, status));
        }

        void Schedule()
        {
            var measuring = false;
            for (long i = 0; i < total && !cancellationToken.IsCancellationRequested; i++)
            {
                var intended = start + (long)(i * frequency / rate);
                while (Stopwatch.GetTimestamp() < intended)
                {
                    Thread.Sleep(1);
                }

                if (!measuring && intended >= windowFrom)
                {
                    measuring = true;
                    onMeasuring?.Invoke();
                }

                // Waiting here for a free slot delays the send, not the intended start.
                while (!gate.Wait(50, cancellationToken))
                {
                    if (Stopwatch.GetTimestamp() > sendUntil)
                    {
                        break;
                    }
                }

                if (Stopwatch.GetTimestamp() > sendUntil)
                {
                    // Never sent: counted against the window, so saturation cannot look like success.
                    var unsent = total - i;
                    for (var j = i; j < total; j++)
                    {
                        if (start + (long)(j * frequency / rate) >= windowFrom)
                        {
                            recorder.RecordError("NOT_SENT");
                        }
                    }

                    Console.WriteLine($"    open loop at {rate:0}/s saturated: {unsent} calls never sent");
                    return;
                }

                inFlight.Add(OneAsync(i, intended));
            }
        }

        var scheduler = new Thread(() =>
        {
            try
            {
                Schedule();
            }
            catch (OperationCanceledException)
            {
                // Ctrl-C: stop scheduling; the caller sees the cancellation.
            }
        })
        {
            IsBackground = true,
            Name = "open-loop scheduler",
            Priority = ThreadPriority.AboveNormal,
        };
        scheduler.Start();
        await Task.Run(scheduler.Join, CancellationToken.None).ConfigureAwait(false);
        await Task.WhenAll(inFlight).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        return LoadResult.From(recorder, "open-loop", rate, maxInFlight, measure, completedInWindow);
    }
}
