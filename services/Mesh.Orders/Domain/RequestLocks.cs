namespace Mesh.Orders.Domain;

/// <summary>
/// One async lock per key (a PlaceOrder request_id), so a duplicate of a saga in progress waits
/// for it and then reads its result instead of running the same steps alongside it. Entries
/// exist only while someone holds or waits for them. Across processes the UNIQUE request_id
/// and the idempotent downstream calls keep duplicates harmless; this only avoids the wasted work.
/// </summary>
public sealed class RequestLocks
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>Keys currently held or waited for.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    public async Task<IDisposable> AcquireAsync(string key, CancellationToken cancellationToken)
    {
        var entry = Rent(key);
        var acquired = false;
        try
        {
            await entry.Semaphore.WaitAsync(cancellationToken);
            acquired = true;
            return new Holder(this, key, entry);
        }
        finally
        {
            if (!acquired)
            {
                Return(key, entry);
            }
        }
    }

    /// <summary>The lock if it is free right now, otherwise null.</summary>
    public IDisposable? TryAcquire(string key)
    {
        var entry = Rent(key);
        if (entry.Semaphore.Wait(0))
        {
            return new Holder(this, key, entry);
        }

        Return(key, entry);
        return null;
    }

    private Entry Rent(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        lock (_gate)
        {
            if (!_entries.TryGetValue(key, out var entry))
            {
                entry = new Entry();
                _entries[key] = entry;
            }

            entry.Users++;
            return entry;
        }
    }

    private void Return(string key, Entry entry)
    {
        lock (_gate)
        {
            entry.Users--;
            if (entry.Users == 0)
            {
                _entries.Remove(key);
                entry.Semaphore.Dispose();
            }
        }
    }

    private sealed class Entry
    {
        public SemaphoreSlim Semaphore { get; } = new(1, 1);

        public int Users { get; set; }
    }

    private sealed class Holder(RequestLocks owner, string key, Entry entry) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                entry.Semaphore.Release();
                owner.Return(key, entry);
            }
        }
    }
}
