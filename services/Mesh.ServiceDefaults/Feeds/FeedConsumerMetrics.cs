using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Mesh.ServiceDefaults.Feeds;

/// <summary>
/// How far each feed consumer of this process trails its feed, as the gauge
/// <c>mesh.feed.consumer.lag</c> (events between the head last seen and the last applied).
/// </summary>
public sealed class FeedConsumerMetrics : IDisposable
{
    public const string MeterName = "Mesh.Feeds";

    private readonly Meter _meter;
    private readonly ConcurrentDictionary<string, (long Applied, long Head)> _positions = new(StringComparer.Ordinal);

    public FeedConsumerMetrics(IMeterFactory meterFactory)
    {
        _meter = meterFactory.Create(MeterName);
        _meter.CreateObservableGauge("mesh.feed.consumer.lag", Observe, unit: "{event}",
            description: "Events the consumer has not applied yet: head sequence seen minus last applied sequence.");
    }

    public void Report(string consumer, long applied, long head) =>
        _positions[consumer] = (applied, Math.Max(head, applied));

    /// <summary>The lag last reported for <paramref name="consumer"/>, or null if none yet.</summary>
    public long? LagOf(string consumer) =>
        _positions.TryGetValue(consumer, out var position) ? position.Head - position.Applied : null;

    private IEnumerable<Measurement<long>> Observe() =>
        _positions.Select(pair => new Measurement<long>(pair.Value.Head - pair.Value.Applied, new TagList { { "consumer", pair.Key } }));

    public void Dispose() => _meter.Dispose();
}
