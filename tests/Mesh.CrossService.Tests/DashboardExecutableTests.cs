using Mesh.Launcher;

namespace Mesh.CrossService.Tests;

/// <summary>
/// Which dashboard the launcher runs, and the one-line reason when there is none to run: the
/// package is for linux-x64 only, and a path the developer gives wins on any platform.
/// </summary>
public sealed class DashboardExecutableTests : IDisposable
{
    private readonly string package = Path.Combine(Path.GetTempPath(), "mesh-dashboard-package-" + Guid.NewGuid().ToString("N")[..12]);

    public void Dispose()
    {
        if (Directory.Exists(package))
        {
            Directory.Delete(package, recursive: true);
        }
    }

    [Fact]
    public void Find_ThisBuild_IsTheExecutableInTheRestoredPackage()
    {
        var (path, problem) = DashboardExecutable.Find(null);

        if (System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier != DashboardExecutable.PackageRuntime)
        {
            Assert.Contains(DashboardExecutable.PackageRuntime + " only", problem, StringComparison.Ordinal);
            return;
        }

        Assert.True(path is not null, problem);
        Assert.True(File.Exists(path), path);
        Assert.EndsWith(Path.Combine("tools", "Aspire.Dashboard"), path, StringComparison.Ordinal);
        Assert.Contains("aspire.dashboard.sdk.linux-x64", path, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Find_PackageWithTheExecutable_ReturnsIt()
    {
        var executable = CreateExecutableInPackage();

        Assert.Equal((executable, (string?)null), DashboardExecutable.Find(null, package, "linux-x64"));
    }

    [Fact]
    public void Find_OtherPlatform_SaysThePackageIsForLinuxX64AndHowToRunAnother()
    {
        CreateExecutableInPackage();

        var (path, problem) = DashboardExecutable.Find(null, package, "osx-arm64");

        Assert.Null(path);
        Assert.Contains("linux-x64 only and this machine is osx-arm64", problem, StringComparison.Ordinal);
        Assert.Contains("--dashboard-path", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Find_BuiltWithoutThePackage_SaysToRestoreIt()
    {
        var (path, problem) = DashboardExecutable.Find(null, packageDirectory: null, "linux-x64");

        Assert.Null(path);
        Assert.Contains("without the Aspire.Dashboard.Sdk.linux-x64 package", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Find_PackageFolderWithoutTheExecutable_NamesWhatIsMissing()
    {
        Directory.CreateDirectory(package);

        var (path, problem) = DashboardExecutable.Find(null, package, "linux-x64");

        Assert.Null(path);
        Assert.Contains($"no tools/Aspire.Dashboard at {package}", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Find_ConfiguredPath_WinsOnAnyPlatform()
    {
        var executable = CreateExecutableInPackage();

        Assert.Equal((executable, (string?)null), DashboardExecutable.Find(executable, packageDirectory: null, "osx-arm64"));
    }

    [Fact]
    public void Find_ConfiguredPathMissing_NamesThePathAndTheFlag()
    {
        var missing = Path.Combine(package, "nowhere", "Aspire.Dashboard");

        var (path, problem) = DashboardExecutable.Find(missing, package, "linux-x64");

        Assert.Null(path);
        Assert.Equal($"no dashboard executable at {missing} (--dashboard-path, MESH_DASHBOARD_PATH)", problem);
    }

    private string CreateExecutableInPackage()
    {
        var executable = Path.Combine(package, "tools", "Aspire.Dashboard");
        Directory.CreateDirectory(Path.GetDirectoryName(executable)!);
        File.WriteAllText(executable, "");
        return executable;
    }
}
