namespace Mesh.Container.Tests.Support;

/// <summary>
/// The container engine the tests drive: podman, else docker whose daemon answers. Chosen once per
/// test run. Environment:
/// <list type="bullet">
/// <item><c>MESH_CONTAINER_ENGINE</c> = <c>podman</c>, <c>docker</c> or a path: use exactly that engine;
/// <c>none</c>: behave as if no engine were installed (to see the skip).</item>
/// <item><c>MESH_CONTAINER_TESTS=required</c> (set by <c>.ci/run</c>): a missing engine fails the tests
/// instead of skipping them, so CI can never pass without having run them.</item>
/// </list>
/// </summary>
public sealed class ContainerEngine
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(30);
    private static readonly Lazy<(ContainerEngine? Engine, string? Reason)> Found = new(Detect);

    private ContainerEngine(string name, string executable)
    {
        Name = name;
        Executable = executable;
    }

    /// <summary>The engine's name: <c>podman</c> or <c>docker</c>.</summary>
    public string Name { get; }

    /// <summary>Full path of the engine's executable.</summary>
    public string Executable { get; }

    /// <summary>Whether this is podman (which has extras such as <c>run --timeout</c>).</summary>
    public bool IsPodman => Name == "podman";

    /// <summary>The engine found on this machine, or null.</summary>
    public static ContainerEngine? Current => Found.Value.Engine;

    /// <summary>Why no engine is usable (null when one is).</summary>
    public static string? UnavailableReason => Found.Value.Reason;

    /// <summary>Whether a missing engine must fail the tests rather than skip them.</summary>
    public static bool Required =>
        string.Equals(Environment.GetEnvironmentVariable("MESH_CONTAINER_TESTS"), "required", StringComparison.OrdinalIgnoreCase);

    /// <summary>The reason every container test is skipped, or null when they run.</summary>
    public static string? SkipReason => Current is null && !Required
        ? $"No container engine: the service images were neither built nor run. {UnavailableReason} "
          + "Install podman (e.g. ../shared/tools/seed-dotnet-images.sh) or start a docker daemon to run them."
        : null;

    /// <summary>Runs the engine with <paramref name="arguments"/>.</summary>
    public Task<CommandResult> RunAsync(TimeSpan timeout, params string[] arguments) =>
        Commands.RunAsync(Executable, arguments, timeout);

    private static (ContainerEngine?, string?) Detect()
    {
        var chosen = Environment.GetEnvironmentVariable("MESH_CONTAINER_ENGINE");
        if (string.Equals(chosen, "none", StringComparison.OrdinalIgnoreCase))
        {
            return (null, "MESH_CONTAINER_ENGINE=none.");
        }

        string[] candidates = string.IsNullOrWhiteSpace(chosen) ? ["podman", "docker"] : [chosen];
        var reasons = new List<string>();
        foreach (var candidate in candidates)
        {
            var executable = FindExecutable(candidate);
            if (executable is null)
            {
                reasons.Add($"{candidate}: not found on PATH");
                continue;
            }

            // "info" talks to the engine itself: a docker client without a daemon fails here.
            var info = Commands.RunAsync(executable, ["info"], ProbeTimeout).GetAwaiter().GetResult();
            if (info.Succeeded)
            {
                var name = Path.GetFileName(executable).Contains("docker", StringComparison.Ordinal) ? "docker" : "podman";
                return (new ContainerEngine(name, executable), null);
            }

            var error = CommandResult.Tail(string.IsNullOrWhiteSpace(info.StandardError) ? info.StandardOutput : info.StandardError, 1);
            reasons.Add($"{candidate}: `{candidate} info` failed ({(info.TimedOut ? "timed out" : error)})");
        }

        return (null, "Tried " + string.Join("; ", reasons) + ".");
    }

    private static string? FindExecutable(string name)
    {
        if (name.Contains('/', StringComparison.Ordinal))
        {
            return File.Exists(name) ? Path.GetFullPath(name) : null;
        }

        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        return path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, name))
            .FirstOrDefault(File.Exists);
    }
}
