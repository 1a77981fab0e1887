using System.Diagnostics;

namespace Mesh.Orders.Tests.Storage;

/// <summary>The commands and batches Npgsql sends during one piece of work, as its traces show them.</summary>
internal static class NpgsqlCommands
{
    private const string SourceName = "Mesh.Orders.Tests.NpgsqlCommands";

    private static readonly ActivitySource Source = new(SourceName);

    /// <summary>
    /// Runs <paramref name="work"/> in a trace of its own and returns the SQL of each command or batch
    /// Npgsql sent for it (one round trip each), in order. A plain COMMIT is sent without a span.
    /// </summary>
    public static async Task<IReadOnlyList<string>> SentByAsync(Func<Task> work)
    {
        var sent = new List<string>();
        ActivityTraceId? traceId = null;
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "Npgsql" or SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> options) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.Source.Name == "Npgsql" && activity.TraceId == traceId)
                {
                    lock (sent)
                    {
                        sent.Add(activity.GetTagItem("db.query.text") as string ?? activity.DisplayName);
                    }
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        using (var trace = Source.StartActivity("work", ActivityKind.Internal, parentContext: default) ?? throw new InvalidOperationException("the test's activity was not sampled"))
        {
            traceId = trace.TraceId;
            await work();
        }

        lock (sent)
        {
            return [.. sent];
        }
    }
}
