using System.Diagnostics.Metrics;

namespace Mesh.Testing;

/// <summary>
/// Records the measurements of one instrument, with their tags, from one host's meters only
/// (<paramref name="scope"/> is that host's IMeterFactory), so tests running beside it do not count.
/// </summary>
public sealed class MetricWatch : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly List<(double Value, Dictionary<string, object?> Tags)> _measurements = [];

    public MetricWatch(object scope, string meterName, string instrumentName)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == meterName && instrument.Name == instrumentName && ReferenceEquals(instrument.Meter.Scope, scope))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) => Record(value, tags));
        _listener.SetMeasurementEventCallback<double>((_, value, tags, _) => Record(value, tags));
        _listener.Start();
    }

    /// <summary>The sum of the measurements whose tag <paramref name="key"/> equals <paramref name="value"/>.</summary>
    public double Total(string key, object value)
    {
        lock (_measurements)
        {
            return _measurements.Where(measurement => Equals(measurement.Tags.GetValueOrDefault(key), value)).Sum(measurement => measurement.Value);
        }
    }

    /// <summary>How many measurements carried tag <paramref name="key"/> = <paramref name="value"/>.</summary>
    public int Count(string key, object value)
    {
        lock (_measurements)
        {
            return _measurements.Count(measurement => Equals(measurement.Tags.GetValueOrDefault(key), value));
        }
    }

    /// <summary>Asks the observable instruments for their current values (counters and gauges read on collection).</summary>
    public void Collect() => _listener.RecordObservableInstruments();

    public void Dispose() => _listener.Dispose();

    private void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var tag in tags)
        {
            copy[tag.Key] = tag.Value;
        }

        lock (_measurements)
        {
            _measurements.Add((value, copy));
        }
    }
}
