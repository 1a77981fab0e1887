using Mesh.Launcher;

namespace Mesh.CrossService.Tests;

/// <summary>
/// The <c>token</c> command the README documents: it mints a person's token with the key of a mesh
/// run with --auth, prints nothing but the token, and refuses, saying why, without a key or a UUID.
/// </summary>
public sealed class TokenCommandTests : IDisposable
{
    private const string Subject = "8c5e1f2a-3b4d-4c6e-9f70-1a2b3c4d5e6f";

    private static readonly Func<string, string?> NoEnvironment = _ => null;

    private readonly string dataDirectory = Directory.CreateTempSubdirectory("mesh-token-command-").FullName;

    public void Dispose() => Directory.Delete(dataDirectory, recursive: true);

    [Fact]
    public void Parse_UserOnly_GivesAPersonWithoutRolesFor24HoursInTheDefaultDataFolder()
    {
        var request = TokenCommand.Parse(["--user", Subject], NoEnvironment)!;

        Assert.Equal(Guid.Parse(Subject), request.Subject);
        Assert.Empty(request.Roles);
        Assert.Equal(TimeSpan.FromHours(24), request.Lifetime);
        Assert.Equal(Path.GetFullPath(MeshPaths.DefaultDataDirectory), request.DataDirectory);
    }

    [Fact]
    public void Parse_RolesLifetimeAndDataFolder_AreTaken_AndTheFlagWinsOverMeshDataDir()
    {
        var request = TokenCommand.Parse(
            ["--user", Subject.ToUpperInvariant(), "--role", "admin", "--role", "support", "--lifetime", "90m", "--data-dir", "from-flag"],
            name => name == "MESH_DATA_DIR" ? "/tmp/from-env" : null)!;

        Assert.Equal(Guid.Parse(Subject), request.Subject);
        Assert.Equal(["admin", "support"], request.Roles);
        Assert.Equal(TimeSpan.FromMinutes(90), request.Lifetime);
        Assert.Equal(Path.GetFullPath("from-flag"), request.DataDirectory);
    }

    [Fact]
    public void Parse_DataFolderFromMeshDataDir_AsTheLauncherReadsIt() =>
        Assert.Equal("/tmp/from-env", TokenCommand.Parse(["--user", Subject], name => name == "MESH_DATA_DIR" ? "/tmp/from-env" : null)!.DataDirectory);

    [Theory]
    [InlineData("30s", 30)]
    [InlineData("1h", 3600)]
    [InlineData("7d", 604800)]
    [InlineData("365d", 31536000)]
    public void Parse_Lifetime_ReadsNumberAndUnit(string text, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), TokenCommand.Parse(["--user", Subject, "--lifetime", text], NoEnvironment)!.Lifetime);

    [Theory]
    [InlineData("1")]
    [InlineData("h")]
    [InlineData("0h")]
    [InlineData("-1h")]
    [InlineData("1w")]
    [InlineData("366d")]
    [InlineData("2147483647d")]
    public void Parse_BadLifetime_ThrowsNamingTheFlag(string text)
    {
        var exception = Assert.Throws<ArgumentException>(() => TokenCommand.Parse(["--user", Subject, "--lifetime", text], NoEnvironment));
        Assert.StartsWith("--lifetime must be", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("alice")]
    [InlineData("8c5e1f2a-3b4d-4c6e-9f70")]
    [InlineData("")]
    public void Parse_UserThatIsNotAUuid_ThrowsSayingSo(string user)
    {
        var exception = Assert.Throws<ArgumentException>(() => TokenCommand.Parse(["--user", user], NoEnvironment));
        Assert.StartsWith("--user must be a UUID", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_WithoutUser_ThrowsSayingItIsRequired()
    {
        var exception = Assert.Throws<ArgumentException>(() => TokenCommand.Parse(["--role", "admin"], NoEnvironment));
        Assert.StartsWith("--user is required", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--user")]
    [InlineData("--role")]
    [InlineData("--colour")]
    public void Parse_FlagWithoutValueOrUnknown_Throws(string flag) =>
        Assert.Throws<ArgumentException>(() => TokenCommand.Parse(["--user", Subject, flag], NoEnvironment));

    [Fact]
    public void Run_BadUser_ExitsWith2AndPrintsNothingOnStandardOutput()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exitCode = TokenCommand.Run(["--user", "alice", "--data-dir", dataDirectory], NoEnvironment, output, error);

        Assert.Equal(2, exitCode);
        Assert.Empty(output.ToString());
        Assert.Contains("--user must be a UUID", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Run_NoKeyYet_ExitsWith1TellingToStartTheMeshWithAuth_AndCreatesNoKey()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exitCode = TokenCommand.Run(["--user", Subject, "--data-dir", dataDirectory], NoEnvironment, output, error);

        Assert.Equal(1, exitCode);
        Assert.Empty(output.ToString());
        Assert.Contains("no development signing key", error.ToString(), StringComparison.Ordinal);
        Assert.Contains($"-- --auth --data-dir {dataDirectory}", error.ToString(), StringComparison.Ordinal);
        Assert.False(new LocalIssuer(dataDirectory).HasKey);
    }

    [Fact]
    public async Task Run_WithTheMeshesKey_PrintsOnlyATokenForThePersonThatTheKeySetValidates()
    {
        var issuer = new LocalIssuer(dataDirectory);
        issuer.Prepare();
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exitCode = TokenCommand.Run(
            ["--user", Subject, "--role", "admin", "--lifetime", "1h", "--data-dir", dataDirectory], NoEnvironment, output, error);

        Assert.Equal(0, exitCode);
        Assert.Empty(error.ToString());
        var printed = output.ToString();
        Assert.Equal(printed.TrimEnd() + Environment.NewLine, printed);
        var token = await LocalIssuerTests.ValidPersonTokenAsync(issuer, printed.Trim());
        Assert.Equal(Subject, token.Subject);
        Assert.Equal(["admin"], LocalIssuerTests.Roles(token));
        Assert.Equal(TimeSpan.FromHours(1), token.ValidTo - token.IssuedAt);
    }

    [Fact]
    public void Run_Help_PrintsUsageAndExits0()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        Assert.Equal(0, TokenCommand.Run(["--help"], NoEnvironment, output, error));
        Assert.Contains("--user UUID", output.ToString(), StringComparison.Ordinal);
    }
}
