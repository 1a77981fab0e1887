namespace Mesh.Container.Tests.Support;

/// <summary>
/// Builds the three images once per test run (services/build-images.sh, so the script is tested
/// too), whichever fixture asks first: two fixtures building at once would race for the same tags.
/// </summary>
internal static class ImageBuild
{
    private static readonly Lazy<Task<CommandResult>> Build = new(BuildAsync);

    /// <summary>The finished build; throws if it failed (every caller sees the same failure).</summary>
    public static Task<CommandResult> EnsureBuiltAsync() => Build.Value;

    /// <summary>The build script's closing lines (time per image, sizes).</summary>
    public static string Summary(CommandResult build) => string.Join(Environment.NewLine, build.StandardOutput.Split('\n')
        .Where(line => line.StartsWith("== built", StringComparison.Ordinal) || line.StartsWith(MeshContainers.ImagePrefix, StringComparison.Ordinal)));

    private static async Task<CommandResult> BuildAsync()
    {
        var root = RepositoryPaths.Root;
        var pull = Environment.GetEnvironmentVariable("MESH_IMAGE_PULL") is { Length: > 0 } policy ? policy : "never";
        List<string> arguments =
        [
            Path.Combine(root, "services", "build-images.sh"),
            "--engine", MeshContainers.Engine.Executable, "--tag", MeshContainers.ImageTag, "--prefix", MeshContainers.ImagePrefix, "--pull", pull,
        ];
        // Lower priority: the build shares the machine with the other test projects and their deadlines.
        var file = "bash";
        if (File.Exists("/usr/bin/nice"))
        {
            arguments.InsertRange(0, ["-n", "10", "bash"]);
            file = "/usr/bin/nice";
        }

        return (await Commands.RunAsync(file, arguments, Deadlines.ImageBuild, root)).EnsureSuccess();
    }
}
