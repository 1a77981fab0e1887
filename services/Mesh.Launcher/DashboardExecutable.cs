using System.Runtime.InteropServices;

namespace Mesh.Launcher;

/// <summary>
/// Finds the Aspire Dashboard to run: a path the developer gave, or the executable in the
/// <see cref="PackageId"/> package that restored with the launcher. That package is built for one
/// platform, so elsewhere the answer is why not rather than a binary that cannot start.
/// </summary>
public static class DashboardExecutable
{
    /// <summary>The NuGet package the launcher references for the dashboard (Directory.Packages.props pins its version).</summary>
    public const string PackageId = "Aspire.Dashboard.Sdk.linux-x64";

    /// <summary>The only platform the package's executable runs on.</summary>
    public const string PackageRuntime = "linux-x64";

    /// <summary>The executable inside the package folder.</summary>
    public const string PathInPackage = "tools/Aspire.Dashboard";

    /// <summary>
    /// The dashboard for this machine: <paramref name="configuredPath"/> when given, else the one in
    /// the package the launcher was built with. Exactly one of the two results is null.
    /// </summary>
    public static (string? Path, string? Problem) Find(string? configuredPath) =>
        Find(configuredPath, MeshPaths.DashboardPackage, RuntimeInformation.RuntimeIdentifier);

    /// <summary>
    /// <see cref="Find(string?)"/> with the package folder and the runtime identifier given, so each
    /// answer can be checked on any machine.
    /// </summary>
    public static (string? Path, string? Problem) Find(string? configuredPath, string? packageDirectory, string runtimeIdentifier)
    {
        ArgumentNullException.ThrowIfNull(runtimeIdentifier);
        if (!string.IsNullOrWhiteSpace(configuredPath))
        {
            // The developer's own build: whatever platform it is for is theirs to know.
            var configured = Path.GetFullPath(configuredPath);
            return File.Exists(configured)
                ? (configured, null)
                : (null, $"no dashboard executable at {configured} (--dashboard-path, MESH_DASHBOARD_PATH)");
        }

        if (!string.Equals(runtimeIdentifier, PackageRuntime, StringComparison.Ordinal))
        {
            return (null, $"the {PackageId} package runs on {PackageRuntime} only and this machine is {runtimeIdentifier}; " +
                "--dashboard-path runs a dashboard built for it");
        }

        if (string.IsNullOrEmpty(packageDirectory))
        {
            return (null, $"the launcher was built without the {PackageId} package (restore services/Mesh.Launcher)");
        }

        var executable = Path.Combine(packageDirectory, PathInPackage);
        return File.Exists(executable)
            ? (executable, null)
            : (null, $"the {PackageId} package has no {PathInPackage} at {packageDirectory} (restore services/Mesh.Launcher again)");
    }
}
