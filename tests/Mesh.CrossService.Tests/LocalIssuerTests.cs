using System.Runtime.Versioning;
using System.Text.Json;
using Mesh.Launcher;
using Mesh.ServiceDefaults.Security;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Mesh.CrossService.Tests;

/// <summary>
/// The development issuer of a run with --auth: one key per data folder that outlives the run (so
/// tokens minted with the token command keep working), kept from other local users, and tokens
/// the services accept — checked here the way they check them, against the key set file.
/// </summary>
public sealed class LocalIssuerTests : IDisposable
{
    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly string dataDirectory = Directory.CreateTempSubdirectory("mesh-local-issuer-").FullName;

    public void Dispose() => Directory.Delete(dataDirectory, recursive: true);

    /// <summary>Validates a person's token as the services do: issuer mesh-dev, audience mesh-api, the key set on disk.</summary>
    public static Task<JsonWebToken> ValidPersonTokenAsync(LocalIssuer issuer, string token) => ValidateAsync(issuer, token, "mesh-api");

    /// <summary>The token's roles claim (an array).</summary>
    public static IReadOnlyList<string> Roles(JsonWebToken token) =>
        [.. token.Claims.Where(claim => claim.Type == "roles").Select(claim => claim.Value)];

    [Fact]
    public void LoadOrCreate_TwiceInOneFolder_KeepsTheKey()
    {
        var folder = Path.Combine(dataDirectory, "auth");

        string first;
        using (var issuer = DevelopmentIssuer.LoadOrCreate(folder))
        {
            first = issuer.KeyId;
        }

        using var again = DevelopmentIssuer.LoadOrCreate(folder);
        using var elsewhere = DevelopmentIssuer.LoadOrCreate(Path.Combine(dataDirectory, "other"));

        Assert.Equal(first, again.KeyId);
        Assert.NotEqual(first, elsewhere.KeyId);
    }

    [Fact]
    public void Prepare_TwiceInOneDataFolder_KeepsTheKeyInTheKeySet_AndMintsEveryTokenAfresh()
    {
        var issuer = new LocalIssuer(dataDirectory);

        issuer.Prepare();
        var keySet = File.ReadAllText(issuer.KeySetPath);
        var tokens = TokenFiles(issuer).ToDictionary(path => path, File.ReadAllText);
        issuer.Prepare();

        Assert.Equal(KeyIds(keySet), KeyIds(File.ReadAllText(issuer.KeySetPath)));
        Assert.Single(KeyIds(keySet));
        // ECDSA signatures are randomised: a token minted again differs even within the same second.
        Assert.All(tokens, entry => Assert.NotEqual(entry.Value, File.ReadAllText(entry.Key)));
    }

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public void Prepare_KeepsTheKeyAndTheTokensToTheirOwner()
    {
        var issuer = new LocalIssuer(dataDirectory);

        issuer.Prepare();

        Assert.Equal(OwnerReadWrite, File.GetUnixFileMode(issuer.KeyPath));
        Assert.Equal(OwnerReadWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(issuer.Folder));
        Assert.All(TokenFiles(issuer), path => Assert.Equal(OwnerReadWrite, File.GetUnixFileMode(path)));
        Assert.Equal(
            ["admin.token", "inventory.token", "jwks.json", "orders.token", "signing-key.pem", "users.token"],
            Directory.GetFiles(issuer.Folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Prepare_WritesAnAdminTokenThatValidatesAgainstTheKeySet()
    {
        var issuer = new LocalIssuer(dataDirectory);

        var returned = issuer.Prepare();
        var written = File.ReadAllText(issuer.AdminTokenPath);

        Assert.Equal(returned, written);
        var token = await ValidPersonTokenAsync(issuer, written);
        Assert.Equal("mesh-dev", token.Issuer);
        Assert.Equal(["mesh-api"], token.Audiences);
        Assert.Equal(LocalIssuer.AdminSubject, token.Subject);
        Assert.True(Guid.TryParse(token.Subject, out _));
        Assert.Contains("admin", Roles(token));
        Assert.Equal(TimeSpan.FromHours(24), token.ValidTo - token.IssuedAt);
    }

    [Fact]
    public async Task Prepare_AdminTokenIsRefusedForTheServicesAudienceAndByAnotherFoldersKey()
    {
        var issuer = new LocalIssuer(dataDirectory);
        var admin = issuer.Prepare();
        var other = new LocalIssuer(Path.Combine(dataDirectory, "other"));
        other.Prepare();

        Assert.IsType<SecurityTokenInvalidAudienceException>((await ValidationResultAsync(issuer, admin, "mesh")).Exception);
        Assert.IsAssignableFrom<SecurityTokenInvalidSignatureException>((await ValidationResultAsync(other, admin, "mesh-api")).Exception);
    }

    [Theory]
    [InlineData(MeshService.Users, "users")]
    [InlineData(MeshService.Inventory, "inventory")]
    [InlineData(MeshService.Orders, "orders")]
    public async Task Prepare_WritesEachServiceATokenWithTheSubjectItsPeersExpect(MeshService service, string name)
    {
        var issuer = new LocalIssuer(dataDirectory);

        issuer.Prepare();

        var token = await ValidateAsync(issuer, File.ReadAllText(issuer.TokenPathOf(service)), "mesh");
        Assert.Equal($"mesh-dev:service:{name}", token.Subject);
        Assert.Equal(Path.Combine(issuer.Folder, name + ".token"), issuer.TokenPathOf(service));
        Assert.Empty(Roles(token));
    }

    [Fact]
    public void MintPerson_WithoutAKey_ThrowsAndCreatesNone()
    {
        var issuer = new LocalIssuer(dataDirectory);

        Assert.Throws<InvalidOperationException>(() => issuer.MintPerson(Guid.NewGuid(), [], TimeSpan.FromHours(1)));
        Assert.False(issuer.HasKey);
        Assert.False(File.Exists(issuer.KeySetPath));
    }

    private static IEnumerable<string> TokenFiles(LocalIssuer issuer) =>
        MeshServiceInfo.All.Select(info => issuer.TokenPathOf(info.Service)).Append(issuer.AdminTokenPath);

    private static List<string> KeyIds(string keySet)
    {
        using var json = JsonDocument.Parse(keySet);
        return [.. json.RootElement.GetProperty("keys").EnumerateArray().Select(key => key.GetProperty("kid").GetString()!)];
    }

    private static async Task<JsonWebToken> ValidateAsync(LocalIssuer issuer, string token, string audience)
    {
        var result = await ValidationResultAsync(issuer, token, audience);
        Assert.True(result.IsValid, result.Exception?.Message);
        return Assert.IsType<JsonWebToken>(result.SecurityToken);
    }

    private static Task<TokenValidationResult> ValidationResultAsync(LocalIssuer issuer, string token, string audience) =>
        new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = "mesh-dev",
            ValidAudience = audience,
            IssuerSigningKeys = new JsonWebKeySet(File.ReadAllText(issuer.KeySetPath)).GetSigningKeys(),
            ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256],
            RequireSignedTokens = true,
            RequireExpirationTime = true,
        });
}
