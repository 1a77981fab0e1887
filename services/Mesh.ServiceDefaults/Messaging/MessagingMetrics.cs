using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Mesh.ServiceDefaults.Messaging;

/// <summary>
/// What the relays and broker consumers of this process do. Relays, per log: lag in events (<c>mesh.relay.lag</c>) and in
/// seconds (<c>mesh.relay.lag.age</c>, how long the oldest unpublished event has waited), events
/// published (<c>mesh.relay.published</c>), the time from a batch's first publish to its last confirm
/// (<c>mesh.relay.confirm.duration</c>), and whether this replica holds the log's lease and a
/// broker connection (<c>mesh.relay.active</c>). Consumers, per queue: messages applied
/// (<c>mesh.messaging.consumed</c>), redeliveries the inbox passed over
/// (<c>mesh.messaging.duplicates</c>), and messages dead-lettered, by reason
/// (<c>mesh.messaging.dead_lettered</c>).
/// </summary>
public sealed class MessagingMetrics : IDisposable
{
    public const string MeterName = "Mesh.Messaging";

    private readonly Meter _meter;
    private readonly Counter<long> _published;
    private readonly Counter<long> _skipped;
    private readonly Histogram<double> _confirmDuration;
    private readonly ConcurrentDictionary<string, RelayState> _states = new(StringComparer.Ordinal);

    private readonly Counter<long> _consumed;
    private readonly Counter<long> _duplicates;
    private readonly Counter<long> _deadLettered;

    public MessagingMetrics(IMeterFactory meterFactory)
    {
        _meter = meterFactory.Create(MeterName);
        _published = _meter.CreateCounter<long>("mesh.relay.published", unit: "{event}",
            description: "Events the relay published and the broker confirmed.");
        _skipped = _meter.CreateCounter<long>("mesh.relay.skipped", unit: "{event}",
            description: "Events retention deleted before the relay published them.");
        _confirmDuration = _meter.CreateHistogram<double>("mesh.relay.confirm.duration", unit: "s",
            description: "From a batch's first publish to the broker's confirm of its last event.");
        _meter.CreateObservableGauge("mesh.relay.lag", () => Observe(state => state.LagEvents), unit: "{event}",
            description: "Committed events not yet confirmed by the broker: log head minus relay checkpoint.");
        _meter.CreateObservableGauge("mesh.relay.lag.age", () => Observe(state => state.LagSeconds), unit: "s",
            description: "How long the oldest event not yet confirmed by the broker has waited (0 when caught up).");
        _meter.CreateObservableGauge("mesh.relay.active", () => Observe(state => state.Active ? 1 : 0), unit: "{relay}",
            description: "1 while this replica relays the log (holds its lease and a broker channel), else 0.");
        _consumed = _meter.CreateCounter<long>("mesh.messaging.consumed", unit: "{message}",
            description: "Messages a consumer applied (each once: redeliveries are counted as duplicates).");
        _duplicates = _meter.CreateCounter<long>("mesh.messaging.duplicates", unit: "{message}",
            description: "Redelivered messages the consumer's inbox had already applied.");
        _deadLettered = _meter.CreateCounter<long>("mesh.messaging.dead_lettered", unit: "{message}",
            description: "Messages a consumer could not apply and moved to its dead-letter queue, by reason.");
    }

    public void RecordConsumed(string queue, int applied, int duplicates)
    {
        var tags = new TagList { { "queue", queue } };
        _consumed.Add(applied, tags);
        if (duplicates > 0)
        {
            _duplicates.Add(duplicates, tags);
        }
    }

    /// <summary><paramref name="reason"/>: unparseable, unknown_type, no_message_id or handler_failed.</summary>
    public void RecordDeadLettered(string queue, string reason) =>
        _deadLettered.Add(1, new TagList { { "queue", queue }, { "reason", reason } });

    /// <summary>The state last reported for <paramref name="log"/>, or null if none yet.</summary>
    public RelayState? StateOf(string log) => _states.TryGetValue(log, out var state) ? state : null;

    public void ReportPosition(string log, long checkpoint, long head, DateTimeOffset? oldestWaiting, DateTimeOffset now) =>
        _states.AddOrUpdate(log,
            _ => new RelayState(Math.Max(0, head - checkpoint), LagAge(oldestWaiting, now), false),
            (_, state) => state with { LagEvents = Math.Max(0, head - checkpoint), LagSeconds = LagAge(oldestWaiting, now) });

    public void ReportActive(string log, bool active) =>
        _states.AddOrUpdate(log, _ => new RelayState(0, 0, active), (_, state) => state with { Active = active });

    public void RecordPublished(string log, int count, TimeSpan confirmDuration)
    {
        var tags = new TagList { { "log", log } };
        _published.Add(count, tags);
        _confirmDuration.Record(confirmDuration.TotalSeconds, tags);
    }

    public void RecordSkipped(string log, long count) => _skipped.Add(count, new TagList { { "log", log } });

    public void Dispose() => _meter.Dispose();

    private IEnumerable<Measurement<double>> Observe(Func<RelayState, double> value) =>
        _states.Select(pair => new Measurement<double>(value(pair.Value), new TagList { { "log", pair.Key } }));

    private static double LagAge(DateTimeOffset? oldestWaiting, DateTimeOffset now) =>
        oldestWaiting is { } waiting ? Math.Max(0, (now - waiting).TotalSeconds) : 0;
}

/// <summary>A relay's last reported lag and whether it is active.</summary>
public sealed record RelayState(long LagEvents, double LagSeconds, bool Active);
