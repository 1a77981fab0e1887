namespace Mesh.ServiceDefaults.RateLimits;

/// <summary>
/// Per-caller limits (section <c>Mesh:RateLimits</c>): a token bucket per caller and policy. A
/// method counts against the policy its access rule names (<c>reads</c> or <c>writes</c>); health
/// and reflection against <c>open</c>; Mesh services have their own generous <c>services</c>
/// bucket. Each replica counts on its own: see the README for cluster-wide limits.
/// </summary>
public sealed class RateLimitOptions
{
    public const string Section = "Mesh:RateLimits";

    public const string Reads = "reads";
    public const string Writes = "writes";
    public const string Open = "open";
    public const string Services = "services";

    /// <summary>Whether calls are limited at all.</summary>
    public bool Enabled { get; set; }

    /// <summary>The buckets by policy name; the four above always exist, with these defaults.</summary>
    public Dictionary<string, TokenBucketPolicy> Policies { get; set; } = new(StringComparer.Ordinal)
    {
        [Reads] = new() { TokenLimit = 200, TokensPerPeriod = 100 },
        [Writes] = new() { TokenLimit = 40, TokensPerPeriod = 20 },
        [Open] = new() { TokenLimit = 100, TokensPerPeriod = 50 },
        [Services] = new() { TokenLimit = 20_000, TokensPerPeriod = 10_000 },
    };
}

/// <summary>One token bucket: up to <see cref="TokenLimit"/> calls at once, refilled by <see cref="TokensPerPeriod"/> every <see cref="Period"/>.</summary>
public sealed class TokenBucketPolicy
{
    /// <summary>The bucket's size: the largest burst.</summary>
    public int TokenLimit { get; set; } = 100;

    /// <summary>Tokens added every <see cref="Period"/>: the sustained rate.</summary>
    public int TokensPerPeriod { get; set; } = 50;

    public TimeSpan Period { get; set; } = TimeSpan.FromSeconds(1);
}
