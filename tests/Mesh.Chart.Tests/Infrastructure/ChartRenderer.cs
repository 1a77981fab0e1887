using System.Collections.Concurrent;

namespace Mesh.Chart.Tests.Infrastructure;

/// <summary>`helm template` of charts/mesh, cached per helm version and arguments (many tests read the same render).</summary>
public static class ChartRenderer
{
    public const string ReleaseName = "mesh";
    public const string Namespace = "mesh-test";

    private static readonly ConcurrentDictionary<string, Lazy<Task<ProcessResult>>> Cache = new();

    /// <summary>Runs `helm template mesh charts/mesh --namespace mesh-test` with the given arguments.</summary>
    public static Task<ProcessResult> TemplateAsync(HelmBinary helm, IEnumerable<string> arguments)
    {
        string[] all = ["template", ReleaseName, RepositoryPaths.Chart, "--namespace", Namespace, .. arguments];
        var key = helm.Version + "\n" + string.Join('\n', all);
        return Cache.GetOrAdd(key, _ => new Lazy<Task<ProcessResult>>(() => helm.RunAsync(all))).Value;
    }

    /// <summary>Renders and loads the documents; fails the test with helm's output when rendering fails.</summary>
    public static async Task<RenderedChart> RenderAsync(HelmBinary helm, IEnumerable<string> arguments)
    {
        var result = await TemplateAsync(helm, arguments);
        Assert.True(result.Succeeded, result.ToString());
        return RenderedChart.Load(result.StandardOutput);
    }

    /// <summary>Renders a values set with Helm 4, plus extra arguments.</summary>
    public static async Task<RenderedChart> RenderAsync(string valuesSet, params string[] extraArguments) =>
        await RenderAsync(await HelmInstallation.Helm4Async(), [.. ValuesSets.Arguments(valuesSet), .. extraArguments]);
}
