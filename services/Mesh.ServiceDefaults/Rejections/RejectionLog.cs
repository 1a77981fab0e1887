using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Logging;

namespace Mesh.ServiceDefaults.Rejections;

/// <summary>
/// Logs calls that failed for what the caller sent (bad bytes, invalid fields, unknown ids):
/// Information, no stack trace, at most one entry per method and reason per window (with the
/// count it held back; each one at Debug), so no client can flood the log.
/// </summary>
public sealed class RejectionLog(ILogger<RejectionLog> logger) : IDisposable
{
    /// <summary>How often one method and reason may reach the log at Information.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(10);

    private readonly PartitionedRateLimiter<(string Method, string Reason)> _limiter =
        PartitionedRateLimiter.Create<(string Method, string Reason), (string Method, string Reason)>(key =>
            RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = 1,
                Window = Window,
                QueueLimit = 0,
            }));

    private readonly ConcurrentDictionary<(string Method, string Reason), StrongBox<long>> _held = new();

    public void Rejected(string method, string peer, string reason, string detail)
    {
        var key = (method, reason);
        using var lease = _limiter.AttemptAcquire(key);
        if (lease.IsAcquired)
        {
            var held = _held.TryGetValue(key, out var count) ? Interlocked.Exchange(ref count.Value, 0) : 0;
            logger.LogInformation(
                "{Method} from {Peer} refused: {Reason}: {Detail} ({HeldBack} more like it held back since the last entry)",
                method, peer, reason, detail, held);
            return;
        }

        Interlocked.Increment(ref _held.GetOrAdd(key, static _ => new StrongBox<long>()).Value);
        logger.LogDebug("{Method} from {Peer} refused: {Reason}: {Detail}", method, peer, reason, detail);
    }

    public void Dispose() => _limiter.Dispose();
}
