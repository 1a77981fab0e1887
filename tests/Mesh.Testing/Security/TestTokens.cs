using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Mesh.ServiceDefaults.Security;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Mesh.Testing.Security;

/// <summary>
/// Tokens for access tests: good ones from a <see cref="DevelopmentIssuer"/> in a temporary folder
/// (its <c>jwks.json</c> is what the services trust), and every kind of bad one a caller could
/// present — expired, for another audience or issuer, unsigned, signed by an untrusted key under
/// the trusted key's id, or signed with a shared secret.
/// </summary>
public sealed class TestTokens : IDisposable
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);

    private readonly ECDsa _foreignKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly ECDsa _trustedKey = ECDsa.Create();

    public TestTokens()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("mesh-auth-").FullName;
        Issuer = DevelopmentIssuer.LoadOrCreate(Directory);
        // The issuer's own key, to sign tokens it would never mint (expired, wrong audience).
        _trustedKey.ImportFromPem(File.ReadAllText(Path.Combine(Directory, DevelopmentIssuer.KeyFileName)));
    }

    /// <summary>The folder with the signing key, <c>jwks.json</c> and the service token files.</summary>
    public string Directory { get; }

    public DevelopmentIssuer Issuer { get; }

    /// <summary>The JWKS file the services verify with.</summary>
    public string KeySetPath => Issuer.KeySetPath;

    /// <summary>A valid token for the person <paramref name="subject"/>.</summary>
    public string Person(string subject, params string[] roles) => Issuer.MintPerson(subject, roles, Lifetime);

    /// <summary>A valid token for the Mesh service <paramref name="service"/>.</summary>
    public string Service(string service) => Issuer.MintService(service, Lifetime);

    /// <summary>A service-audience token whose subject is no Mesh service (another workload in the cluster).</summary>
    public string Workload(string subject) => Sign(subject, DevelopmentIssuer.ServiceAudience, DevelopmentIssuer.Issuer, DateTime.UtcNow.AddHours(1), Trusted);

    /// <summary>
    /// The settings of a service that trusts this issuer for people and for services, knowing the
    /// services <paramref name="services"/> by their development subjects (<c>Mesh:Auth:*</c>).
    /// </summary>
    public IReadOnlyDictionary<string, string> ServiceSettings(params string[] services) =>
        DevelopmentIssuer.TrustSettings(KeySetPath, services);

    /// <summary>Writes <paramref name="service"/>'s token file and returns its path.</summary>
    public string WriteServiceToken(string service)
    {
        var path = Path.Combine(Directory, $"{service}.token");
        File.WriteAllText(path, Service(service));
        return path;
    }

    public string Expired(string subject) => Sign(subject, DevelopmentIssuer.PeopleAudience, DevelopmentIssuer.Issuer, DateTime.UtcNow.AddMinutes(-10), Trusted);

    public string WrongAudience(string subject) => Sign(subject, "someone-else", DevelopmentIssuer.Issuer, DateTime.UtcNow.AddHours(1), Trusted);

    public string WrongIssuer(string subject) => Sign(subject, DevelopmentIssuer.PeopleAudience, "https://issuer.invalid", DateTime.UtcNow.AddHours(1), Trusted);

    /// <summary>Signed by a key the services do not trust, under the trusted key's id.</summary>
    public string BadSignature(string subject) => Sign(subject, DevelopmentIssuer.PeopleAudience, DevelopmentIssuer.Issuer, DateTime.UtcNow.AddHours(1),
        new SigningCredentials(new ECDsaSecurityKey(_foreignKey) { KeyId = Issuer.KeyId }, SecurityAlgorithms.EcdsaSha256));

    /// <summary>HS256 with a secret: a symmetric algorithm, refused whatever the secret.</summary>
    public string SharedSecret(string subject) => Sign(subject, DevelopmentIssuer.PeopleAudience, DevelopmentIssuer.Issuer, DateTime.UtcNow.AddHours(1),
        new SigningCredentials(new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(32)) { KeyId = Issuer.KeyId }, SecurityAlgorithms.HmacSha256));

    /// <summary><c>alg: none</c>: a token with no signature at all.</summary>
    public static string Unsigned(string subject)
    {
        static string Part(object value) => Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(value)));
        var expires = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds();
        return $"{Part(new { alg = "none", typ = "JWT" })}.{Part(new { sub = subject, aud = DevelopmentIssuer.PeopleAudience, iss = DevelopmentIssuer.Issuer, exp = expires, roles = new[] { MeshCaller.AdminRole } })}.";
    }

    public void Dispose()
    {
        Issuer.Dispose();
        _foreignKey.Dispose();
        _trustedKey.Dispose();
        System.IO.Directory.Delete(Directory, recursive: true);
    }

    private SigningCredentials Trusted => new(new ECDsaSecurityKey(_trustedKey) { KeyId = Issuer.KeyId }, SecurityAlgorithms.EcdsaSha256);

    private static string Sign(string subject, string audience, string issuer, DateTime expires, SigningCredentials credentials) =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Claims = new Dictionary<string, object> { ["sub"] = subject },
            IssuedAt = expires.AddHours(-2),
            NotBefore = expires.AddHours(-2),
            Expires = expires,
            SigningCredentials = credentials,
        });
}
