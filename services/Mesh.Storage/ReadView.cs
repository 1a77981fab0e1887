using System.Collections.Concurrent;

namespace Mesh.Storage;

/// <summary>
/// An in-memory copy of hot rows, for a process that is the only writer of its database
/// (<see cref="StoreDatabase.HasOneWriterProcess"/>): a read is served from memory once loaded,
/// and every write invalidates the keys it changed as soon as its transaction ends, so a read that
/// starts after a write returned sees that write (read-your-writes, for every caller of the process).
/// </summary>
/// <remarks>
/// A load that overlaps a write to its key is returned to its caller but not kept: each key hashes
/// to a stripe whose stamp every invalidation advances, and a load keeps its value only if the stamp
/// it read before reading the database is still current, checked and stored under the stripe's lock.
/// The view is bounded by <c>capacity</c> and starts over when full (hot keys come back on their next read).
/// A capacity of 0 turns it off: every read loads.
/// </remarks>
public sealed class ReadView<TValue>
    where TValue : class
{
    private const int StripeCount = 256;

    private readonly ConcurrentDictionary<string, TValue> _entries = new(StringComparer.Ordinal);
    private readonly Stripe[] _stripes = CreateStripes();
    private readonly Action? _guard;
    private long _hits;
    private long _loads;

    /// <param name="capacity">Entries held at most; 0 turns the view off.</param>
    /// <param name="guard">
    /// Runs before every read and throws when the data behind the view is gone
    /// (<see cref="StoreDatabase.EnsureAvailable"/>): the view then forgets everything, and the read fails as a load would.
    /// </param>
    public ReadView(int capacity, Action? guard = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        Capacity = capacity;
        _guard = guard;
    }

    /// <summary>How many entries it holds at most; 0 when it is off.</summary>
    public int Capacity { get; }

    public int Count => _entries.Count;

    /// <summary>Reads served from memory since start.</summary>
    public long Hits => Interlocked.Read(ref _hits);

    /// <summary>Reads that went to the database since start.</summary>
    public long Loads => Interlocked.Read(ref _loads);

    /// <summary>The value of <paramref name="key"/>: from memory, or from <paramref name="load"/> (null: none; not kept).</summary>
    public ValueTask<TValue?> GetAsync<TState>(
        string key, TState state, Func<string, TState, CancellationToken, Task<TValue?>> load, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(load);
        EnsureDataThere();
        if (_entries.TryGetValue(key, out var kept))
        {
            Interlocked.Increment(ref _hits);
            return ValueTask.FromResult<TValue?>(kept);
        }

        return LoadAsync(key, state, load, cancellationToken);
    }

    /// <summary>
    /// The value of <paramref name="key"/> if memory holds it, without loading: for a caller with
    /// a slower path of its own to fall back on. False too when the data behind the view is gone.
    /// </summary>
    public bool TryPeek(string key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out TValue? value)
    {
        ArgumentNullException.ThrowIfNull(key);
        value = null;
        try
        {
            EnsureDataThere();
        }
        catch
        {
            // The caller's own path reports it (a load fails the same way).
            return false;
        }

        if (!_entries.TryGetValue(key, out var kept))
        {
            return false;
        }

        Interlocked.Increment(ref _hits);
        value = kept;
        return true;
    }

    /// <summary>Forgets <paramref name="key"/>; call it after a transaction that changed it ends (committed or not).</summary>
    public void Invalidate(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (Capacity == 0)
        {
            return; // holds nothing, and keeps no load
        }

        var stripe = StripeOf(key);
        lock (stripe.Gate)
        {
            stripe.Stamp++;
            _entries.TryRemove(key, out _);
        }
    }

    /// <summary>Forgets every key, and keeps none of the loads under way (their stripes' stamps move on).</summary>
    public void InvalidateAll()
    {
        foreach (var stripe in _stripes)
        {
            lock (stripe.Gate)
            {
                stripe.Stamp++;
            }
        }

        _entries.Clear();
    }

    private async ValueTask<TValue?> LoadAsync<TState>(
        string key, TState state, Func<string, TState, CancellationToken, Task<TValue?>> load, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _loads);
        if (Capacity == 0)
        {
            return await load(key, state, cancellationToken).ConfigureAwait(false);
        }

        var stripe = StripeOf(key);
        long stamp;
        lock (stripe.Gate)
        {
            stamp = stripe.Stamp;
        }

        var value = await load(key, state, cancellationToken).ConfigureAwait(false);
        if (value is null)
        {
            return null;
        }

        lock (stripe.Gate)
        {
            if (stripe.Stamp == stamp)
            {
                if (_entries.Count >= Capacity)
                {
                    _entries.Clear();
                }

                _entries[key] = value;
            }
        }

        return value;
    }

    /// <summary>Runs the guard; when the data behind the view is gone, forgets everything and throws.</summary>
    private void EnsureDataThere()
    {
        if (_guard is null)
        {
            return;
        }

        try
        {
            _guard();
        }
        catch
        {
            InvalidateAll();
            throw;
        }
    }

    private Stripe StripeOf(string key) => _stripes[(StringComparer.Ordinal.GetHashCode(key) & int.MaxValue) % StripeCount];

    private static Stripe[] CreateStripes()
    {
        var stripes = new Stripe[StripeCount];
        for (var index = 0; index < stripes.Length; index++)
        {
            stripes[index] = new Stripe();
        }

        return stripes;
    }

    private sealed class Stripe
    {
        public readonly Lock Gate = new();

        public long Stamp;
    }
}
