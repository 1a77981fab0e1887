using System.Globalization;

namespace Mesh.Launcher;

/// <summary>
/// The <c>token</c> command: mints a person's token with the development key of a mesh run with
/// <c>--auth</c>, as <c>dotnet user-jwts create</c> does for ASP.NET Core, so a developer can call
/// as someone other than the admin. It prints the token alone on standard output, so
/// <c>TOKEN=$(... token --user ...)</c> works; everything else goes to standard error.
/// </summary>
public static class TokenCommand
{
    /// <summary>The first argument that selects this command.</summary>
    public const string Name = "token";

    /// <summary>How long a token is valid unless <c>--lifetime</c> says otherwise: as the admin token.</summary>
    public static readonly TimeSpan DefaultLifetime = LocalIssuer.TokenLifetime;

    /// <summary>The longest <c>--lifetime</c>: a development token, not a credential to keep.</summary>
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(365);

    /// <summary>The text <c>token --help</c> prints.</summary>
    public const string Usage = """
        Mints a person's bearer token for a mesh run with --auth, signed with the development key in
        the data folder (start the mesh with --auth once to create it). Prints only the token.

        Usage: dotnet run --project services/Mesh.Launcher -- token --user UUID [options]

        Options:
          --user UUID          the person's user id: the token's subject (required); CreateUser with
                               this token signs them up with exactly this user_id
          --role ROLE          a role to grant, e.g. admin; repeat for several; default none
          --lifetime SPAN      how long the token is valid: a number and s, m, h or d, e.g. 30m, 1h,
                               7d; default 24h, at most 365d
          --data-dir PATH      the mesh's data folder, as given to the launcher (--data is the
                               same); default .mesh/ at the repository root [MESH_DATA_DIR]
          -h, --help           show this text

        Example:
          export MESH_TOKEN=$(dotnet run --project services/Mesh.Launcher -- token --user 8c5e1f2a-3b4d-4c6e-9f70-1a2b3c4d5e6f)
        """;

    /// <summary>
    /// Parses the arguments after <c>token</c>, the data folder defaulting as the launcher's does.
    /// Returns null when help was asked for.
    /// </summary>
    /// <exception cref="ArgumentException">A flag or value is invalid; the message says which.</exception>
    public static TokenRequest? Parse(IReadOnlyList<string> args, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(environment);

        string? user = null;
        var roles = new List<string>();
        var lifetime = DefaultLifetime;
        var dataDirectory = environment("MESH_DATA_DIR") is { } fromEnvironment && !string.IsNullOrWhiteSpace(fromEnvironment)
            ? fromEnvironment.Trim()
            : null;
        for (var index = 0; index < args.Count; index++)
        {
            var flag = args[index];
            switch (flag)
            {
                case "-h" or "--help":
                    return null;
                case "--user":
                    user = Value(args, ref index);
                    break;
                case "--role":
                    var role = Value(args, ref index).Trim();
                    roles.Add(role.Length > 0 ? role : throw new ArgumentException("--role needs a role name, e.g. admin."));
                    break;
                case "--lifetime":
                    lifetime = Lifetime(Value(args, ref index));
                    break;
                case "--data-dir" or "--data":
                    dataDirectory = Value(args, ref index);
                    break;
                default:
                    throw new ArgumentException($"Unknown token option '{flag}'.");
            }
        }

        if (user is null)
        {
            throw new ArgumentException("--user is required: the person's user id, a UUID, e.g. --user 8c5e1f2a-3b4d-4c6e-9f70-1a2b3c4d5e6f.");
        }

        if (!Guid.TryParse(user, out var subject))
        {
            throw new ArgumentException($"--user must be a UUID, e.g. 8c5e1f2a-3b4d-4c6e-9f70-1a2b3c4d5e6f (got '{user}'): user ids in Mesh are UUIDs.");
        }

        return new TokenRequest(subject, roles.Distinct(StringComparer.Ordinal).ToList(), lifetime,
            Path.GetFullPath(dataDirectory ?? MeshPaths.DefaultDataDirectory));
    }

    /// <summary>
    /// Runs the command: the token on <paramref name="output"/> and exit code 0; otherwise what is
    /// wrong on <paramref name="error"/> and 2 (bad arguments) or 1 (no key yet).
    /// </summary>
    public static int Run(IReadOnlyList<string> args, Func<string, string?> environment, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        TokenRequest? request;
        try
        {
            request = Parse(args, environment);
        }
        catch (ArgumentException exception)
        {
            error.WriteLine(exception.Message);
            error.WriteLine(Usage);
            return 2;
        }

        if (request is null)
        {
            output.WriteLine(Usage);
            return 0;
        }

        var issuer = new LocalIssuer(request.DataDirectory);
        if (!issuer.HasKey)
        {
            var dataFlag = string.Equals(request.DataDirectory, Path.GetFullPath(MeshPaths.DefaultDataDirectory), StringComparison.Ordinal)
                ? ""
                : $" --data-dir {MeshBanner.ShellQuote(request.DataDirectory)}";
            error.WriteLine(
                $"There is no development signing key in {issuer.Folder} yet. Start the mesh with access control once " +
                $"(dotnet run --project services/Mesh.Launcher -- --auth{dataFlag}); it creates the key, which this command then signs with.");
            return 1;
        }

        output.WriteLine(issuer.MintPerson(request.Subject, request.Roles, request.Lifetime));
        return 0;
    }

    private static string Value(IReadOnlyList<string> args, ref int index) =>
        index + 1 < args.Count ? args[++index] : throw new ArgumentException($"{args[index]} needs a value.");

    private static TimeSpan Lifetime(string text)
    {
        long? unitSeconds = text.Length > 1 ? text[^1] switch
        {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86400,
            _ => null,
        } : null;
        // In whole seconds, so that no amount can overflow a TimeSpan before the bound is checked.
        return unitSeconds is { } unit
            && int.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var amount)
            && amount > 0
            && amount * unit <= (long)MaxLifetime.TotalSeconds
                ? TimeSpan.FromSeconds(amount * unit)
                : throw new ArgumentException($"--lifetime must be a positive number and s, m, h or d, at most 365d, e.g. 30m, 1h or 7d (got '{text}').");
    }
}
