using System.Globalization;
using Grpc.Core;
using Mesh.ServiceDefaults.Errors;
using Mesh.ServiceDefaults.Interceptors;
using Mesh.ServiceDefaults.Security;
using Microsoft.Extensions.Logging;

namespace Mesh.ServiceDefaults.RateLimits;

/// <summary>
/// Refuses a call whose caller is over its rate, before the access check and the handler spend
/// anything on it: RESOURCE_EXHAUSTED with google.rpc.RetryInfo, and a <c>Retry-After</c> header
/// (REST answers 429). The policy is the one the method's access rule names.
/// </summary>
public sealed class RateLimitInterceptor(
    CallerRateLimiter limiter, AccessPolicy policy, RateLimitMetrics metrics, ILogger<RateLimitInterceptor> logger, CallerResolver? callers = null) : CallGateInterceptor
{
    /// <summary>The policy <paramref name="method"/> counts against.</summary>
    public static string PolicyOf(AccessPolicy policy, string method)
    {
        ArgumentNullException.ThrowIfNull(policy);
        if (AccessPolicy.IsOpen(method))
        {
            return RateLimitOptions.Open;
        }

        // A method that names no policy is counted as a write: the stricter bucket.
        return policy.Find(method)?.Rule?.RateLimit is { Length: > 0 } named ? named : RateLimitOptions.Writes;
    }

    protected override async ValueTask AdmitAsync(object? request, ServerCallContext context)
    {
        var http = context.GetHttpContext();
        // With access control on, callers are counted by who they are; the access check reuses the answer.
        var caller = callers is null ? null : await callers.ResolveAsync(http);
        var retryAfter = limiter.TryAcquire(PolicyOf(policy, context.Method), caller, http, out var charged);
        if (retryAfter is not { } wait)
        {
            return;
        }

        metrics.Rejected(charged);
        logger.LogDebug("Rate limited {Method} ({Policy}); retry after {RetryAfter}", context.Method, charged, wait);
        // Whole seconds, rounded up: HTTP's Retry-After has no fractions.
        http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        throw MeshErrors.RateLimited(charged, wait);
    }
}
