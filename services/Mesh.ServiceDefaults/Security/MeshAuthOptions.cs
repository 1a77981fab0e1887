namespace Mesh.ServiceDefaults.Security;

/// <summary>
/// Identity and access (section <c>Mesh:Auth</c>): who is calling — a person with a token from an
/// OpenID Connect provider, or another Mesh service with its own workload token — and whether the
/// method's access rule admits them. Off unless <see cref="Enabled"/>.
/// </summary>
public sealed class MeshAuthOptions
{
    public const string Section = "Mesh:Auth";

    /// <summary>Whether calls are authenticated and authorised; when off every caller is trusted.</summary>
    public bool Enabled { get; set; }

    /// <summary>Tokens people present (from Keycloak, Entra ID, Auth0, Dex, or the development issuer).</summary>
    public TokenIssuerOptions People { get; set; } = new();

    /// <summary>The claim naming the person; it is compared with request fields such as <c>user_id</c>.</summary>
    public string SubjectClaim { get; set; } = "sub";

    /// <summary>The claim listing the person's roles (a string or an array).</summary>
    public string RoleClaim { get; set; } = "roles";

    /// <summary>How far token lifetimes may disagree with this server's clock.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Tokens Mesh services present to each other (projected service-account tokens in Kubernetes).</summary>
    public TokenIssuerOptions Services { get; set; } = new() { Audience = "mesh" };

    /// <summary>
    /// Each Mesh service's name and the token subject it calls with, e.g.
    /// <c>orders = system:serviceaccount:shop:mesh-orders</c>. A subject not listed is no service.
    /// </summary>
    public Dictionary<string, string> ServiceSubjects { get; set; } = new(StringComparer.Ordinal);

    /// <summary>This service's own token, re-read when it changes (the kubelet rotates it).</summary>
    public string? TokenFile { get; set; }

    /// <summary>
    /// How long a validated token is remembered (never past its expiry), so a caller's repeated
    /// token is not checked again on every call; zero checks every call.
    /// </summary>
    public TimeSpan ValidationCacheDuration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Most tokens remembered at once; beyond it, each new token is checked but not kept.</summary>
    public int ValidationCacheSize { get; set; } = 10_000;

    /// <summary>Longest accepted <see cref="ClockSkew"/>.</summary>
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromMinutes(5);
}
