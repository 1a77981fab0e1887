using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace Mesh.ServiceDefaults.Security;

/// <summary>
/// Finds who is calling from the request's bearer token. A token is validated by the JWT bearer
/// schemes the first time it is seen; the caller it names is then remembered until the token
/// expires or <see cref="MeshAuthOptions.ValidationCacheDuration"/> passes. A client sends the
/// same token on every call, and the full check (parse, signature, claims) cut GetItem's
/// throughput by two thirds in the benchmark; a remembered token costs one lookup. Failures are
/// never remembered. A key the issuer withdraws stops being honoured for a token already seen
/// once its entry ages out.
/// </summary>
public sealed class CallerResolver(
    [Microsoft.Extensions.DependencyInjection.FromKeyedServices(CallerResolver.CacheKey)] IMemoryCache cache,
    IOptions<MeshAuthOptions> options,
    TimeProvider time)
{
    /// <summary>The service key of this resolver's own cache (not the application's IMemoryCache).</summary>
    public const string CacheKey = "mesh.auth.callers";

    private const string BearerPrefix = "Bearer ";

    private readonly MeshAuthOptions _options = options.Value;

    /// <summary>The caller of <paramref name="http"/>'s request, resolved once per request.</summary>
    public async ValueTask<MeshCaller> ResolveAsync(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (http.Features.Get<MeshCaller>() is { } known)
        {
            return known;
        }

        var caller = await IdentifyAsync(http).ConfigureAwait(false);
        http.SetCaller(caller);
        return caller;
    }

    private async ValueTask<MeshCaller> IdentifyAsync(HttpContext http)
    {
        var header = http.Request.Headers.Authorization.ToString();
        if (header.Length == 0)
        {
            return MeshCaller.Anonymous;
        }

        var now = time.GetUtcNow();
        if (header.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase)
            && cache.TryGetValue(header, out Remembered? seen) && seen!.Until > now)
        {
            return WithActingFor(seen.Caller, http);
        }

        var result = await http.AuthenticateAsync(MeshAuthentication.Scheme).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            return MeshCaller.Rejected(result.Failure);
        }

        var caller = FromPrincipal(result.Principal);
        if (caller.IsAuthenticated && _options.ValidationCacheDuration > TimeSpan.Zero && Expiry(result) is { } expires)
        {
            var until = expires < now + _options.ValidationCacheDuration ? expires : now + _options.ValidationCacheDuration;
            cache.Set(header, new Remembered(caller, until), new MemoryCacheEntryOptions { AbsoluteExpiration = until, Size = 1 });
        }

        return WithActingFor(caller, http);
    }

    private MeshCaller FromPrincipal(ClaimsPrincipal principal)
    {
        var subject = principal.FindFirstValue(_options.SubjectClaim);
        if (string.IsNullOrEmpty(subject) || principal.Identity is not { } identity)
        {
            return MeshCaller.Anonymous;
        }

        if (identity.AuthenticationType != MeshAuthentication.ServiceScheme)
        {
            return MeshCaller.Person(subject, principal.FindAll(_options.RoleClaim).Select(claim => claim.Value));
        }

        var service = _options.ServiceSubjects.FirstOrDefault(entry => entry.Value == subject).Key;
        return service is null ? MeshCaller.ForWorkload(subject) : MeshCaller.ForService(service, actingFor: null);
    }

    // The token's exp: the bearer handler reports it; the claim is the fallback.
    private static DateTimeOffset? Expiry(AuthenticateResult result) =>
        result.Properties?.ExpiresUtc
        ?? (long.TryParse(result.Principal?.FindFirstValue("exp"), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : null);

    // Who a service acts for is said per call, and trusted only from a service.
    private static MeshCaller WithActingFor(MeshCaller caller, HttpContext http)
    {
        if (caller.Service is null)
        {
            return caller;
        }

        var actingFor = http.Request.Headers[MeshCaller.ActingForHeader].ToString();
        return actingFor.Length == 0 ? caller : MeshCaller.ForService(caller.Service, actingFor);
    }

    private sealed record Remembered(MeshCaller Caller, DateTimeOffset Until);
}
