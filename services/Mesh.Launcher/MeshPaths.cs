using System.Reflection;

namespace Mesh.Launcher;

/// <summary>
/// Where things are on disk: the repository, the default data folder, each service's dll and the
/// dashboard package. The build bakes the real paths into this assembly (see Mesh.Launcher.csproj),
/// so they hold from any working directory and for whichever configuration was built.
/// </summary>
public static class MeshPaths
{
    private const string RepositoryRootKey = "Mesh.RepositoryRoot";
    private const string ServicePathKeyPrefix = "Mesh.ServicePath:";
    private const string DashboardPackageKey = "Mesh.DashboardPackage";

    private static readonly IReadOnlyDictionary<string, string> Baked = typeof(MeshPaths).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .Where(attribute => attribute.Value is not null)
        .ToDictionary(attribute => attribute.Key, attribute => attribute.Value!, StringComparer.Ordinal);

    /// <summary>The repository root (the folder holding Mesh.sln), or null when it cannot be found.</summary>
    public static string? RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>The default data folder: <c>.mesh/</c> at the repository root (gitignored).</summary>
    public static string DefaultDataDirectory =>
        Path.Combine(RepositoryRoot ?? Directory.GetCurrentDirectory(), ".mesh");

    /// <summary>
    /// The folder NuGet restored the dashboard package into when the launcher was built, or null
    /// when the build had none (see <see cref="DashboardExecutable"/>).
    /// </summary>
    public static string? DashboardPackage => Baked.GetValueOrDefault(DashboardPackageKey);

    /// <summary>The dll the build produced for <paramref name="service"/>.</summary>
    /// <exception cref="FileNotFoundException">The service was not built.</exception>
    public static string ServiceAssembly(MeshService service)
    {
        var info = MeshServiceInfo.Of(service);
        if (Baked.TryGetValue(ServicePathKeyPrefix + info.AssemblyName, out var path) && File.Exists(path))
        {
            return path;
        }

        throw new FileNotFoundException(
            $"{info.AssemblyName}.dll was not found{(path is null ? "" : " at " + path)}. Build the mesh first " +
            $"(dotnet build services/Mesh.Launcher) or point {info.EnvironmentPrefix}_DLL at the dll.",
            path);
    }

    private static string? FindRepositoryRoot()
    {
        if (Baked.TryGetValue(RepositoryRootKey, out var baked) && File.Exists(Path.Combine(baked, "Mesh.sln")))
        {
            return Path.GetFullPath(baked);
        }

        // The launcher was moved after the build: look upwards from where it runs.
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Mesh.sln")))
            {
                return directory.FullName;
            }
        }

        return null;
    }
}
