namespace Mesh.Container.Tests.Support;

/// <summary>Where the repository is, found from the test assembly's folder.</summary>
internal static class RepositoryPaths
{
    /// <summary>The folder that holds Mesh.sln.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The one Dockerfile of the three services (its SERVICE build argument picks one).</summary>
    public static string Dockerfile => Path.Combine(Root, "services", "Dockerfile");

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
