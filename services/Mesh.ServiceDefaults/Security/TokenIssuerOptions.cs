namespace Mesh.ServiceDefaults.Security;

/// <summary>
/// Where tokens of one kind come from and how they are checked. Keys are found, in this order of
/// preference, by OpenID Connect discovery from <see cref="Authority"/>, at <see cref="JwksUrl"/>,
/// or in the JWKS document <see cref="KeyFile"/>; all three are re-read while the service runs, so
/// a rotated key is accepted without a restart.
/// </summary>
public sealed class TokenIssuerOptions
{
    /// <summary>The <c>iss</c> every token must carry, e.g. <c>https://login.example.com/realms/mesh</c>.</summary>
    public string? Issuer { get; set; }

    /// <summary>The <c>aud</c> every token must include.</summary>
    public string? Audience { get; set; }

    /// <summary>The issuer's base URL for OIDC discovery (<c>/.well-known/openid-configuration</c>); defaults to none.</summary>
    public string? Authority { get; set; }

    /// <summary>A JWKS URL, for issuers without discovery.</summary>
    public string? JwksUrl { get; set; }

    /// <summary>A JWKS file (the local development issuer writes one).</summary>
    public string? KeyFile { get; set; }

    /// <summary>
    /// A PEM bundle of the CA certificates the issuer's https endpoints are trusted by, instead of
    /// the system's (a cluster's own service-account issuer is signed by the cluster's CA).
    /// </summary>
    public string? CaFile { get; set; }

    /// <summary>Whether discovery and JWKS URLs must be https (turn off only for loopback issuers).</summary>
    public bool RequireHttps { get; set; } = true;

    /// <summary>How often keys are fetched again even when no token asks for an unknown one.</summary>
    public TimeSpan KeyRefreshInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Least time between two fetches that a token signed by an unknown key can cause.</summary>
    public TimeSpan UnknownKeyRefreshInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Which key source is configured, for messages.</summary>
    internal string? KeySource => Authority ?? JwksUrl ?? KeyFile;
}
