using Mesh.ServiceDefaults.Security;

namespace Mesh.Launcher;

/// <summary>
/// Access control for the local run (<c>--auth</c>): the development issuer's key in the folder
/// <c>auth/</c> of the data directory, a token file per service and one for an admin, and the
/// <c>Mesh:Auth</c> settings that make every service check tokens against that key. Everything is
/// derived from the data directory, so the launcher, the services and the <c>token</c> command
/// agree on it without passing anything around. Whoever can read the folder can mint any token:
/// it is kept to its owner, and it is never for production.
/// </summary>
public sealed class LocalIssuer(string dataDirectory)
{
    /// <summary>The folder inside the data directory that holds the key and the token files.</summary>
    public const string FolderName = "auth";

    /// <summary>
    /// The subject of the admin token: fixed ("mesh" in the first group, "ad" last), so the admin is
    /// the same person from one start to the next.
    /// </summary>
    public const string AdminSubject = "6d657368-0000-4000-8000-0000000000ad";

    /// <summary>The file the admin token is written to.</summary>
    public const string AdminTokenFileName = "admin.token";

    /// <summary>
    /// How long the tokens written at start are valid. They are minted afresh on every start and
    /// not while the mesh runs, so a mesh kept up longer than this needs a restart: its services'
    /// calls to each other would be refused with their expired tokens.
    /// </summary>
    public static readonly TimeSpan TokenLifetime = TimeSpan.FromHours(24);

    /// <summary>The absolute path of the folder with the key, the key set and the tokens.</summary>
    public string Folder { get; } = Path.GetFullPath(Path.Combine(dataDirectory, FolderName));

    /// <summary>The private key; its presence is what "the issuer exists" means.</summary>
    public string KeyPath => Path.Combine(Folder, DevelopmentIssuer.KeyFileName);

    /// <summary>The public key set the services verify every token with.</summary>
    public string KeySetPath => Path.Combine(Folder, DevelopmentIssuer.KeySetFileName);

    /// <summary>The admin token written at start.</summary>
    public string AdminTokenPath => Path.Combine(Folder, AdminTokenFileName);

    /// <summary>Whether a key was created here (by a start with <c>--auth</c>).</summary>
    public bool HasKey => File.Exists(KeyPath);

    /// <summary>The token file of <paramref name="service"/>, e.g. <c>auth/orders.token</c>.</summary>
    public string TokenPathOf(MeshService service) => Path.Combine(Folder, MeshServiceInfo.Of(service).Name + ".token");

    /// <summary>
    /// The <c>Mesh:Auth</c> settings of <paramref name="service"/>: people's and services' tokens
    /// both checked against the one local key set, every service's subject, and its own token file.
    /// </summary>
    public IReadOnlyDictionary<string, string> EnvironmentFor(MeshService service)
    {
        var environment = DevelopmentIssuer.TrustSettings(KeySetPath, MeshServiceInfo.All.Select(info => info.Name))
            .ToDictionary(setting => setting.Key.Replace(":", "__", StringComparison.Ordinal), setting => setting.Value, StringComparer.Ordinal);
        environment["Mesh__Auth__TokenFile"] = TokenPathOf(service);
        return environment;
    }

    /// <summary>
    /// Loads the key (creating it on the first start), and writes every service's token and the
    /// admin token afresh. Returns the admin token, for the launcher's own calls (the demo seed).
    /// </summary>
    public string Prepare()
    {
        CreatePrivateFolder();
        using var issuer = DevelopmentIssuer.LoadOrCreate(Folder);
        foreach (var info in MeshServiceInfo.All)
        {
            WritePrivate(TokenPathOf(info.Service), issuer.MintService(info.Name, TokenLifetime));
        }

        var admin = issuer.MintPerson(AdminSubject, [MeshCaller.AdminRole], TokenLifetime);
        WritePrivate(AdminTokenPath, admin);
        return admin;
    }

    /// <summary>A person's token signed with the existing key; <paramref name="subject"/> is their user id.</summary>
    /// <exception cref="InvalidOperationException">No key exists yet (see <see cref="HasKey"/>).</exception>
    public string MintPerson(Guid subject, IEnumerable<string> roles, TimeSpan lifetime)
    {
        // LoadOrCreate would make a key no running service trusts; the caller says how to get the right one.
        if (!HasKey)
        {
            throw new InvalidOperationException($"There is no development signing key at {KeyPath}.");
        }

        using var issuer = DevelopmentIssuer.LoadOrCreate(Folder);
        return issuer.MintPerson(subject.ToString(), roles, lifetime);
    }

    // Other local users must not read the key or the tokens, not even in the moment between a
    // file's creation and a change of its mode: the folder is closed first.
    private void CreatePrivateFolder()
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(Folder);
            return;
        }

        Directory.CreateDirectory(Folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.SetUnixFileMode(Folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    // Written beside and renamed over the old file, so a service that reads its token file while
    // the launcher rewrites it sees the old token or the new one, never half of one.
    private static void WritePrivate(string path, string text)
    {
        var temporary = path + ".new";
        File.Delete(temporary);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var writer = new StreamWriter(temporary, options))
        {
            writer.Write(text);
        }

        File.Move(temporary, path, overwrite: true);
    }
}
