using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Mesh.ServiceDefaults.Feeds;

/// <summary>
/// Who follows this process's feeds: the up-down counter <c>mesh.feed.subscribers</c>, tagged
/// <c>feed</c> (the event log's name), counts the streams open right now. A consumer that should be
/// there and is not (orders' catalog cache, users' order statistics) shows as a drop.
/// </summary>
public sealed class FeedServingMetrics : IDisposable
{
    public const string MeterName = "Mesh.Feeds.Serving";

    private readonly Meter _meter;
    private readonly UpDownCounter<long> _subscribers;

    public FeedServingMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _meter = meterFactory.Create(MeterName);
        _subscribers = _meter.CreateUpDownCounter<long>("mesh.feed.subscribers", unit: "{subscriber}",
            description: "Feed streams open on this process, by feed.");
    }

    /// <summary>Counts one open stream of <paramref name="feed"/> until the returned handle is disposed.</summary>
    public Subscription Subscribe(string feed)
    {
        var tags = new TagList { { "feed", feed } };
        _subscribers.Add(1, tags);
        return new Subscription(_subscribers, tags);
    }

    public void Dispose() => _meter.Dispose();

    /// <summary>One open stream; disposing it takes it off the count.</summary>
    public readonly struct Subscription(UpDownCounter<long> counter, TagList tags) : IDisposable
    {
        public void Dispose() => counter.Add(-1, tags);
    }
}
