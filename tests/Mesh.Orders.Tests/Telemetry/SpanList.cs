using System.Collections;
using System.Diagnostics;

namespace Mesh.Orders.Tests.Telemetry;

/// <summary>
/// The in-memory exporter's target: the exporter adds from its own thread while the test
/// reads, so every access takes the same lock.
/// </summary>
internal sealed class SpanList : ICollection<Activity>
{
    private readonly List<Activity> _items = [];
    private readonly Lock _gate = new();

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _items.Count;
            }
        }
    }

    public bool IsReadOnly => false;

    public Activity[] Snapshot()
    {
        lock (_gate)
        {
            return [.. _items];
        }
    }

    public void Add(Activity item)
    {
        lock (_gate)
        {
            _items.Add(item);
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _items.Clear();
        }
    }

    public bool Contains(Activity item) => Snapshot().Contains(item);

    public void CopyTo(Activity[] array, int arrayIndex) => Snapshot().CopyTo(array, arrayIndex);

    public bool Remove(Activity item)
    {
        lock (_gate)
        {
            return _items.Remove(item);
        }
    }

    public IEnumerator<Activity> GetEnumerator() => ((IEnumerable<Activity>)Snapshot()).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
