using Mesh.Testing;

namespace Mesh.Browser.Tests.Support;

/// <summary>Where the browser tests put what they leave behind.</summary>
internal static class RepositoryPaths
{
    /// <summary>Screenshots of the browser tests: <c>TestResults/browser</c>, which git ignores.</summary>
    public static string Artifact(string fileName)
    {
        var folder = Path.Combine(RepositoryRoot.Path, "TestResults", "browser");
        Directory.CreateDirectory(folder);
        return Path.Combine(folder, fileName);
    }
}
