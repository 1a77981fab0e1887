using System.Threading.RateLimiting;
using Mesh.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Mesh.ServiceDefaults.RateLimits;

/// <summary>
/// One token bucket per (policy, caller): the caller is the validated token's subject (a Mesh
/// service's name), or — for a call without a valid token, such as a health probe — the client's address. Buckets of callers that stop
/// calling are dropped by the limiter itself.
/// </summary>
public sealed class CallerRateLimiter : IDisposable
{
    private readonly RateLimitOptions _options;

    private readonly PartitionedRateLimiter<(string Policy, string Caller)> _limiter;

    public CallerRateLimiter(IOptions<RateLimitOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _limiter = PartitionedRateLimiter.Create<(string Policy, string Caller), (string Policy, string Caller)>(
            key => RateLimitPartition.GetTokenBucketLimiter(key, partition => Bucket(partition.Policy)));
    }

    /// <summary>
    /// Takes one token for the call of <paramref name="caller"/> (null with access control off);
    /// null when it may go ahead, otherwise how long the caller should wait before trying again.
    /// </summary>
    public TimeSpan? TryAcquire(string policy, MeshCaller? caller, HttpContext context, out string effectivePolicy)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (partitionPolicy, partition) = Partition(policy, caller, context);
        effectivePolicy = partitionPolicy;
        using var lease = _limiter.AttemptAcquire((partitionPolicy, partition));
        if (lease.IsAcquired)
        {
            return null;
        }

        return lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : Bucket(partitionPolicy).ReplenishmentPeriod;
    }

    public void Dispose() => _limiter.Dispose();

    private static (string Policy, string Caller) Partition(string policy, MeshCaller? caller, HttpContext context) => caller switch
    {
        // A Mesh service's own calls are the mesh at work: one generous bucket per service.
        { Service: { } service } => (RateLimitOptions.Services, "service:" + service),
        { Subject: { } subject } => (policy, "subject:" + subject),
        { Workload: { } workload } => (policy, "workload:" + workload),
        _ => (policy, "address:" + (context.Connection.RemoteIpAddress?.ToString() ?? "unknown")),
    };

    private TokenBucketRateLimiterOptions Bucket(string policy)
    {
        var bucket = _options.Policies.GetValueOrDefault(policy)
            ?? throw new InvalidOperationException($"Mesh:RateLimits:Policies has no policy '{policy}'.");
        return new TokenBucketRateLimiterOptions
        {
            TokenLimit = bucket.TokenLimit,
            TokensPerPeriod = bucket.TokensPerPeriod,
            ReplenishmentPeriod = bucket.Period,
            QueueLimit = 0,
            AutoReplenishment = true,
        };
    }
}
