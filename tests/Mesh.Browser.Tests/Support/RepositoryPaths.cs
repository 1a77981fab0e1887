namespace Mesh.Browser.Tests.Support;

/// <summary>Where the repository is, found from the test assembly's folder.</summary>
internal static class RepositoryPaths
{
    /// <summary>The folder that holds Mesh.sln.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>Screenshots of the browser tests: <c>TestResults/browser</c>, which git ignores.</summary>
    public static string Artifact(string fileName)
    {
        var folder = Path.Combine(Root, "TestResults", "browser");
        Directory.CreateDirectory(folder);
        return Path.Combine(folder, fileName);
    }

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Mesh.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No Mesh.sln above {AppContext.BaseDirectory}.");
    }
}
