using System.Diagnostics;

namespace Mesh.ServiceDefaults.Telemetry;

/// <summary>
/// Trace context that travels with domain events. Each event records the W3C traceparent of the
/// call that committed it; events are stored as protobuf, so the context goes wherever the event
/// goes (feeds, event pages, the broker, where the relay also sets the standard header). A
/// consumer processes a batch in one span that links to every event's context. When the whole
/// batch comes from one trace, the span is also a child of the batch's first event, so a
/// PlaceOrder's trace shows the consumers that acted on its events.
/// </summary>
public static class EventTrace
{
    /// <summary>The W3C header name; the relay sets it on every message whose event has a context.</summary>
    public const string Header = "traceparent";

    /// <summary>Most links one processing span carries (the OpenTelemetry SDK's default limit).</summary>
    public const int MaxLinks = 128;

    private static readonly ActivitySource Source = new(MeshTelemetry.ActivitySourceName);

    /// <summary>The current activity's traceparent, or empty when there is none (or it is not W3C).</summary>
    public static string Current() =>
        Activity.Current is { IdFormat: ActivityIdFormat.W3C, Id: { } id } ? id : string.Empty;

    /// <summary>
    /// Starts the span of a consumer processing a batch of events; null when nothing listens.
    /// A trace parent that is empty or not a valid traceparent (an outside producer's header) is
    /// passed over: it never stops the batch.
    /// </summary>
    /// <param name="name">The span's name, e.g. <c>process orders events</c>.</param>
    /// <param name="system">Where the events came from: <c>mesh.feed</c> or <c>rabbitmq</c>.</param>
    /// <param name="source">The log or queue the events were read from.</param>
    /// <param name="traceParents">Each event's traceparent, in the order they were applied.</param>
    public static Activity? StartProcessing(string name, string system, string source, IReadOnlyCollection<string?> traceParents)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(traceParents);
        if (!Source.HasListeners())
        {
            return null;
        }

        var contexts = new List<ActivityContext>();
        foreach (var traceParent in traceParents)
        {
            if (!string.IsNullOrEmpty(traceParent)
                && ActivityContext.TryParse(traceParent, traceState: null, isRemote: true, out var context)
                && !contexts.Contains(context))
            {
                contexts.Add(context);
            }
        }

        var oneTrace = contexts.Count > 0 && contexts.TrueForAll(context => context.TraceId == contexts[0].TraceId);
        var tags = new KeyValuePair<string, object?>[]
        {
            new("messaging.system", system),
            new("messaging.operation.type", "process"),
            new("messaging.destination.name", source),
            new("messaging.batch.message_count", traceParents.Count),
        };
        return Source.StartActivity(
            ActivityKind.Consumer,
            oneTrace ? contexts[0] : default,
            tags,
            contexts.Take(MaxLinks).Select(context => new ActivityLink(context)),
            name: name);
    }

    /// <summary>
    /// Runs <paramref name="apply"/> inside the span of <see cref="StartProcessing"/>; a failure marks
    /// the span an error with its exception and goes on to the caller.
    /// </summary>
    public static async Task<T> ProcessAsync<T>(
        string name, string system, string source, IReadOnlyCollection<string?> traceParents, Func<Task<T>> apply)
    {
        ArgumentNullException.ThrowIfNull(apply);
        using var activity = StartProcessing(name, system, source, traceParents);
        try
        {
            return await apply().ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            activity?.AddException(exception);
            activity?.SetStatus(ActivityStatusCode.Error, exception.Message);
            throw;
        }
    }
}
