namespace Mesh.Testing;

/// <summary>
/// Where the repository is: the folder above the test assembly that holds Mesh.sln. Also compiled
/// into Mesh.Chart.Tests as a linked file (that project does not reference Mesh.Testing).
/// </summary>
public static class RepositoryRoot
{
    /// <summary>The folder that holds Mesh.sln.</summary>
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(directory.FullName, "Mesh.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Mesh.sln not found above " + AppContext.BaseDirectory);
    }
}
