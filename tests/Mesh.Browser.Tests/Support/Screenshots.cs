using Microsoft.Playwright;

namespace Mesh.Browser.Tests.Support;

/// <summary>Full-page screenshots kept as test artifacts, so a failure (or a pass) can be looked at afterwards.</summary>
internal static class Screenshots
{
    /// <summary>Saves <paramref name="page"/> as <c>TestResults/browser/&lt;name&gt;.png</c> and prints the path.</summary>
    public static async Task<string> SaveAsync(IPage page, string name, ITestOutputHelper output)
    {
        var path = RepositoryPaths.Artifact(name + ".png");
        await page.ScreenshotAsync(new() { Path = path, FullPage = true });
        output.WriteLine($"screenshot: {path}");
        return path;
    }
}
