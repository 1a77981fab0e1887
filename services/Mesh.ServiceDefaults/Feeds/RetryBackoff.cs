namespace Mesh.ServiceDefaults.Feeds;

/// <summary>
/// Capped exponential backoff with full jitter: after failure n the wait is uniformly random in
/// [0, min(cap, initial × 2ⁿ)], so many consumers reconnecting to a recovered peer spread out.
/// </summary>
public sealed class RetryBackoff(TimeSpan initial, TimeSpan cap, Random? random = null)
{
    private readonly Random _random = random ?? Random.Shared;
    private int _failures;

    public int Failures => _failures;

    /// <summary>The wait before the next attempt; each call counts one more failure.</summary>
    public TimeSpan Next()
    {
        var exponent = Math.Min(_failures, 30);
        _failures++;
        var ceiling = Math.Min(cap.TotalMilliseconds, initial.TotalMilliseconds * Math.Pow(2, exponent));
        return TimeSpan.FromMilliseconds(_random.NextDouble() * ceiling);
    }

    /// <summary>After a success the next failure starts from <c>initial</c> again.</summary>
    public void Reset() => _failures = 0;
}
