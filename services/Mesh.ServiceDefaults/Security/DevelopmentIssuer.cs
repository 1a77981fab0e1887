using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Mesh.ServiceDefaults.Security;

/// <summary>
/// The token issuer of a local run: an ECDSA P-256 key kept in a folder (the launcher's data
/// directory), the JWKS document services verify with, and tokens for people and for services.
/// Never for production: whoever can read the folder can mint any token.
/// </summary>
public sealed class DevelopmentIssuer : IDisposable
{
    /// <summary>The <c>iss</c> of every development token.</summary>
    public const string Issuer = "mesh-dev";

    /// <summary>The audience of people's tokens.</summary>
    public const string PeopleAudience = "mesh-api";

    /// <summary>The audience of services' tokens (as the chart's projected tokens).</summary>
    public const string ServiceAudience = "mesh";

    /// <summary>The private key (PKCS#8 PEM), readable by its owner only.</summary>
    public const string KeyFileName = "signing-key.pem";

    /// <summary>The public key set services verify tokens with.</summary>
    public const string KeySetFileName = "jwks.json";

    private readonly ECDsa _key;
    private readonly SigningCredentials _credentials;

    private DevelopmentIssuer(string directory, ECDsa key)
    {
        Directory = directory;
        _key = key;
        var parameters = key.ExportParameters(includePrivateParameters: false);
        KeyId = Base64UrlEncoder.Encode(SHA256.HashData([.. parameters.Q.X!, .. parameters.Q.Y!]))[..16];
        _credentials = new SigningCredentials(new ECDsaSecurityKey(key) { KeyId = KeyId }, SecurityAlgorithms.EcdsaSha256)
        {
            // The shared factory caches signers by key, so a later issuer of the same key in this
            // process would be handed one that holds this instance's ECDsa after it was disposed.
            CryptoProviderFactory = new CryptoProviderFactory { CacheSignatureProviders = false },
        };
    }

    /// <summary>The folder holding the key and the key set.</summary>
    public string Directory { get; }

    /// <summary>The key's id (<c>kid</c>): a digest of its public half.</summary>
    public string KeyId { get; }

    /// <summary>Path of the JWKS document (Mesh:Auth:*:KeyFile).</summary>
    public string KeySetPath => Path.Combine(Directory, KeySetFileName);

    /// <summary>The subject a service's development token carries.</summary>
    public static string ServiceSubject(string service) => $"mesh-dev:service:{service}";

    /// <summary>
    /// The <c>Mesh:Auth</c> settings of a service that trusts the development issuer whose key set
    /// is <paramref name="keySetPath"/>, for people and for services, and knows
    /// <paramref name="services"/> by their development subjects (configuration keys, <c>:</c>-separated).
    /// </summary>
    public static IReadOnlyDictionary<string, string> TrustSettings(string keySetPath, IEnumerable<string> services)
    {
        ArgumentException.ThrowIfNullOrEmpty(keySetPath);
        ArgumentNullException.ThrowIfNull(services);
        var settings = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["Mesh:Auth:Enabled"] = "true",
            ["Mesh:Auth:People:Issuer"] = Issuer,
            ["Mesh:Auth:People:Audience"] = PeopleAudience,
            ["Mesh:Auth:People:KeyFile"] = keySetPath,
            ["Mesh:Auth:Services:Issuer"] = Issuer,
            ["Mesh:Auth:Services:Audience"] = ServiceAudience,
            ["Mesh:Auth:Services:KeyFile"] = keySetPath,
        };
        foreach (var service in services)
        {
            settings[$"Mesh:Auth:ServiceSubjects:{service}"] = ServiceSubject(service);
        }

        return settings;
    }

    /// <summary>Loads the key kept in <paramref name="directory"/>, or creates one, and (re)writes the key set.</summary>
    public static DevelopmentIssuer LoadOrCreate(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        System.IO.Directory.CreateDirectory(directory);
        var keyPath = Path.Combine(directory, KeyFileName);
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        if (File.Exists(keyPath))
        {
            key.ImportFromPem(File.ReadAllText(keyPath));
        }
        else
        {
            File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(keyPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
        }

        var issuer = new DevelopmentIssuer(directory, key);
        File.WriteAllText(issuer.KeySetPath, issuer.KeySetJson());
        return issuer;
    }

    /// <summary>A person's token: <paramref name="subject"/> (their user id) and <paramref name="roles"/>.</summary>
    public string MintPerson(string subject, IEnumerable<string> roles, TimeSpan lifetime) =>
        Mint(subject, PeopleAudience, roles, lifetime);

    /// <summary>A service's token, as the kubelet would project it.</summary>
    public string MintService(string service, TimeSpan lifetime) =>
        Mint(ServiceSubject(service), ServiceAudience, [], lifetime);

    /// <summary>The public key set as a JWKS document.</summary>
    public string KeySetJson()
    {
        var parameters = _key.ExportParameters(includePrivateParameters: false);
        return JsonSerializer.Serialize(new
        {
            keys = new[]
            {
                new
                {
                    kty = "EC",
                    crv = "P-256",
                    x = Base64UrlEncoder.Encode(parameters.Q.X),
                    y = Base64UrlEncoder.Encode(parameters.Q.Y),
                    kid = KeyId,
                    use = "sig",
                    alg = SecurityAlgorithms.EcdsaSha256,
                },
            },
        });
    }

    public void Dispose() => _key.Dispose();

    private string Mint(string subject, string audience, IEnumerable<string> roles, TimeSpan lifetime)
    {
        ArgumentException.ThrowIfNullOrEmpty(subject);
        var now = DateTime.UtcNow;
        var claims = new Dictionary<string, object> { ["sub"] = subject };
        var roleList = roles.ToArray();
        if (roleList.Length > 0)
        {
            claims["roles"] = roleList;
        }

        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = audience,
            Claims = claims,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + lifetime,
            SigningCredentials = _credentials,
        });
    }
}
