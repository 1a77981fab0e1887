namespace Mesh.Orders.Storage;

/// <summary>
/// <see cref="IRequestLocks"/> within one process (SQLite, one replica): one async lock per
/// key. Entries exist only while someone holds or waits for them.
/// </summary>
public sealed class InProcessRequestLocks : IRequestLocks
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

    /// <inheritdoc />
    public async Task<IAsyncDisposable> AcquireAsync(string key, CancellationToken cancellationToken)
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

    /// <inheritdoc />
    public Task<IAsyncDisposable?> TryAcquireAsync(string key, CancellationToken cancellationToken) =>
        Task.FromResult<IAsyncDisposable?>(TryAcquire(key));

    /// <summary>The lock if it is free right now, otherwise null.</summary>
    public Holder? TryAcquire(string key)
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

    internal sealed class Entry
    {
        public SemaphoreSlim Semaphore { get; } = new(1, 1);

        public int Users { get; set; }
    }

    /// <summary>A held lock; disposing it (either way, any number of times) releases it once.</summary>
    public sealed class Holder : IDisposable, IAsyncDisposable
    {
        private readonly InProcessRequestLocks _owner;
        private readonly string _key;
        private readonly Entry _entry;

        private int _disposed;

        internal Holder(InProcessRequestLocks owner, string key, Entry entry)
        {
            _owner = owner;
            _key = key;
            _entry = entry;
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                _entry.Semaphore.Release();
                _owner.Return(_key, _entry);
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
