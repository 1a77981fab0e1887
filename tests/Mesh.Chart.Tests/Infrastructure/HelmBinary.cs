namespace Mesh.Chart.Tests.Infrastructure;

/// <summary>One installed helm binary. Every call is bounded and isolated from the user's helm and kube configuration.</summary>
public sealed class HelmBinary(string path, string version)
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(60);

    private static readonly string Home = System.IO.Path.Combine(Path.GetTempPath(), "mesh-chart-tests-helm-home");

    private static readonly IReadOnlyDictionary<string, string> Environment = new Dictionary<string, string>
    {
        ["HELM_CACHE_HOME"] = System.IO.Path.Combine(Home, "cache"),
        ["HELM_CONFIG_HOME"] = System.IO.Path.Combine(Home, "config"),
        ["HELM_DATA_HOME"] = System.IO.Path.Combine(Home, "data"),
        // No cluster: lint and template must not need one.
        ["KUBECONFIG"] = System.IO.Path.Combine(Home, "no-kubeconfig"),
    };

    public string FilePath { get; } = path;

    /// <summary>As `helm version` prints it, e.g. v4.1.4.</summary>
    public string Version { get; } = version;

    public int Major => int.Parse(Version.TrimStart('v').Split('.')[0], System.Globalization.CultureInfo.InvariantCulture);

    public Task<ProcessResult> RunAsync(params string[] arguments) => RunAsync((IEnumerable<string>)arguments);

    public Task<ProcessResult> RunAsync(IEnumerable<string> arguments) =>
        ProcessRunner.RunAsync(FilePath, arguments, CallTimeout, RepositoryPaths.Root, Environment);

    public override string ToString() => $"helm {Version}";
}
