using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Mesh.ServiceDefaults.Security;

/// <summary>
/// Bearer-token authentication for people and for services: two JWT schemes, each with its own
/// issuer, audience and keys, and a selector that sends a token to the scheme of its audience.
/// Only asymmetric signatures are accepted (a shared secret would let every verifier mint tokens),
/// keys are cached and refreshed in the background, never fetched per call.
/// </summary>
public static class MeshAuthentication
{
    public const string Scheme = "mesh";
    public const string PersonScheme = "person";
    public const string ServiceScheme = "service";

    /// <summary>The only signature algorithms accepted: RSA, RSA-PSS and ECDSA.</summary>
    public static readonly string[] Algorithms =
    [
        SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
        SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.RsaSsaPssSha384, SecurityAlgorithms.RsaSsaPssSha512,
        SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.EcdsaSha512,
    ];

    /// <summary>Whether <c>Mesh:Auth:Enabled</c> is set.</summary>
    public static bool IsEnabled(IConfiguration configuration) =>
        configuration.GetValue<bool>($"{MeshAuthOptions.Section}:{nameof(MeshAuthOptions.Enabled)}");

    /// <summary>Registers both schemes and the caller cache; call only when <see cref="IsEnabled"/>.</summary>
    public static IServiceCollection AddMeshAuthentication(this IServiceCollection services)
    {
        // Refuses to start, naming each missing setting, rather than refusing every call later.
        services.AddOptions<MeshAuthOptions>().BindConfiguration(MeshAuthOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<MeshAuthOptions>, MeshAuthOptionsValidator>();

        // No default scheme: the authentication middleware ASP.NET Core adds by itself then does
        // nothing, and a token is validated only when CallerResolver has not seen it (otherwise every
        // call would check the signature: 17% of inventory's CPU in a GetItem profile).
        services.AddAuthentication()
            .AddPolicyScheme(Scheme, "Mesh bearer tokens", policy => policy.ForwardDefaultSelector = context =>
                IsServiceToken(context, context.RequestServices.GetRequiredService<IOptions<MeshAuthOptions>>().Value.Services.Audience)
                    ? ServiceScheme
                    : PersonScheme)
            .AddJwtBearer(PersonScheme, _ => { })
            .AddJwtBearer(ServiceScheme, _ => { });
        services.TryAddSingleton(TimeProvider.System);
        services.AddKeyedSingleton<IMemoryCache>(CallerResolver.CacheKey, (provider, _) => new MemoryCache(new MemoryCacheOptions
        {
            SizeLimit = provider.GetRequiredService<IOptions<MeshAuthOptions>>().Value.ValidationCacheSize,
        }));
        services.TryAddSingleton<CallerResolver>();
        services.AddOptions<JwtBearerOptions>(PersonScheme)
            .Configure<IOptions<MeshAuthOptions>>((bearer, auth) => Configure(bearer, auth.Value.People, auth.Value, PersonScheme));
        services.AddOptions<JwtBearerOptions>(ServiceScheme)
            .Configure<IOptions<MeshAuthOptions>>((bearer, auth) => Configure(bearer, auth.Value.Services, auth.Value, ServiceScheme));
        return services;
    }


    private static void Configure(JwtBearerOptions bearer, TokenIssuerOptions issuer, MeshAuthOptions options, string scheme)
    {
        // Claims keep their JWT names (sub, roles), which the settings and the access rules use.
        bearer.MapInboundClaims = false;
        bearer.RefreshOnIssuerKeyNotFound = true;
        bearer.TokenValidationParameters = new TokenValidationParameters
        {
            AuthenticationType = scheme,
            ValidIssuer = issuer.Issuer,
            ValidAudience = issuer.Audience,
            ValidAlgorithms = Algorithms,
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ClockSkew = options.ClockSkew,
            NameClaimType = options.SubjectClaim,
            RoleClaimType = options.RoleClaim,
        };

        if (!string.IsNullOrEmpty(issuer.Authority))
        {
            bearer.Authority = issuer.Authority;
            bearer.BackchannelHttpHandler = IssuerTrust.Handler(issuer.CaFile);
            bearer.RequireHttpsMetadata = issuer.RequireHttps;
            bearer.AutomaticRefreshInterval = issuer.KeyRefreshInterval;
            bearer.RefreshInterval = issuer.UnknownKeyRefreshInterval;
            return;
        }

        IDocumentRetriever documents = string.IsNullOrEmpty(issuer.JwksUrl)
            ? new FileDocumentRetriever()
            : new HttpDocumentRetriever(IssuerTrust.Handler(issuer.CaFile) is { } trusted ? new HttpClient(trusted) : new HttpClient()) { RequireHttps = issuer.RequireHttps };
        bearer.ConfigurationManager = new ConfigurationManager<OpenIdConnectConfiguration>(
            issuer.JwksUrl ?? issuer.KeyFile!, new KeySetRetriever(), documents)
        {
            AutomaticRefreshInterval = issuer.KeyRefreshInterval,
            RefreshInterval = issuer.UnknownKeyRefreshInterval,
        };
    }

    private static bool IsServiceToken(HttpContext context, string? serviceAudience)
    {
        var header = context.Request.Headers.Authorization.ToString();
        if (serviceAudience is null || !header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        // Unvalidated: this only picks the scheme, which then validates everything.
        var handler = new JsonWebTokenHandler();
        var token = header["Bearer ".Length..].Trim();
        return handler.CanReadToken(token) && handler.ReadJsonWebToken(token).Audiences.Contains(serviceAudience, StringComparer.Ordinal);
    }
}
