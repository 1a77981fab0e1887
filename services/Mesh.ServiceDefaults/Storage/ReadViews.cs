using System.Diagnostics;
using System.Diagnostics.Metrics;
using Mesh.Storage;
using Microsoft.Extensions.Options;

namespace Mesh.ServiceDefaults.Storage;

/// <summary>
/// Makes the service's <see cref="ReadView{TValue}"/>s: on where the database has one writer
/// process (SQLite), off on PostgreSQL (replicas write it too, and a view could not see their
/// writes). Each view is invalidated by the events its writes append, and counted in
/// <c>mesh.storage.read_view.hits</c> and <c>.loads</c>, tagged <c>view</c>.
/// </summary>
public sealed class ReadViews : IDisposable
{
    public const string MeterName = "Mesh.Storage.ReadViews";

    private readonly StoreDatabase _database;
    private readonly int _capacity;
    private readonly Meter _meter;
    private readonly Lock _gate = new();
    private (string Name, Func<long> Hits, Func<long> Loads)[] _views = [];

    public ReadViews(StoreDatabase database, IOptions<ReadViewOptions> options, IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(meterFactory);
        _database = database;
        _capacity = database.HasOneWriterProcess ? options.Value.Capacity : 0;
        _meter = meterFactory.Create(MeterName);
        _meter.CreateObservableCounter("mesh.storage.read_view.hits", () => Measure(view => view.Hits()), unit: "{read}",
            description: "Reads served from an in-memory view, by view.");
        _meter.CreateObservableCounter("mesh.storage.read_view.loads", () => Measure(view => view.Loads()), unit: "{read}",
            description: "Reads an in-memory view sent to the database (not held, changed since, or views off), by view.");
    }

    /// <summary>
    /// A view named <paramref name="name"/>, invalidated by every event appended to
    /// <paramref name="logName"/> with that key. A view whose keys also change without an event
    /// (a projection) is invalidated by its writer through <see cref="ReadView{TValue}.Invalidate"/>.
    /// </summary>
    public ReadView<TValue> Create<TValue>(string name, string logName)
        where TValue : class
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(logName);
        if (_capacity == 0)
        {
            // Holds nothing: every read loads (and checks the database itself), no write has anything to forget.
            return Register(name, new ReadView<TValue>(0));
        }

        // A deleted database file fails a read from memory as it fails every other call.
        var view = new ReadView<TValue>(_capacity, _database.EnsureAvailable);
        _database.WatchAppends((log, key) =>
        {
            if (string.Equals(log, logName, StringComparison.Ordinal))
            {
                view.Invalidate(key);
            }
        });
        return Register(name, view);
    }

    /// <summary>
    /// A view of another service's data named <paramref name="name"/>, holding up to
    /// <paramref name="capacity"/> entries whatever this service's own database is: the consumer of
    /// that service's feed keeps it current (<see cref="ReadView{TValue}.Invalidate"/> per event,
    /// <see cref="ReadView{TValue}.InvalidateAll"/> whenever it may have missed one).
    /// </summary>
    public ReadView<TValue> CreateForFeed<TValue>(string name, int capacity)
        where TValue : class
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return Register(name, new ReadView<TValue>(capacity));
    }

    private ReadView<TValue> Register<TValue>(string name, ReadView<TValue> view)
        where TValue : class
    {
        lock (_gate)
        {
            _views = [.. _views, (name, () => view.Hits, () => view.Loads)];
        }

        return view;
    }

    public void Dispose() => _meter.Dispose();

    private IEnumerable<Measurement<long>> Measure(Func<(string Name, Func<long> Hits, Func<long> Loads), long> value)
    {
        foreach (var view in Volatile.Read(ref _views))
        {
            yield return new Measurement<long>(value(view), new TagList { { "view", view.Name } });
        }
    }
}
