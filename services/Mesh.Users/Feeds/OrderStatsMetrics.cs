using System.Diagnostics.Metrics;

namespace Mesh.Users.Feeds;

/// <summary>
/// The order statistics' own metric: <c>mesh.users.order_stats.skipped_events</c> counts order
/// events the orders service's retention deleted before this service read them. Non-zero means
/// the statistics are incomplete (the lag gauge, mesh.feed.consumer.lag, says how far behind they are).
/// </summary>
public sealed class OrderStatsMetrics : IDisposable
{
    public const string MeterName = "Mesh.Users";

    private readonly Meter _meter;
    private readonly Counter<long> _skipped;
    private long _skippedTotal;

    public OrderStatsMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _meter = meterFactory.Create(MeterName);
        _skipped = _meter.CreateCounter<long>("mesh.users.order_stats.skipped_events", unit: "{event}",
            description: "Order events deleted by the orders service's retention before they were read; the order statistics miss them.");
    }

    /// <summary>Events skipped since the process started.</summary>
    public long SkippedEvents => Interlocked.Read(ref _skippedTotal);

    public void RecordSkipped(long count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        Interlocked.Add(ref _skippedTotal, count);
        _skipped.Add(count);
    }

    public void Dispose() => _meter.Dispose();
}
