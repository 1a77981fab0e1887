namespace Mesh.Chart.Tests.Infrastructure;

/// <summary>Where the files under test are: found from the test assembly up to the folder holding Mesh.sln.</summary>
public static class RepositoryPaths
{
    private static readonly Lazy<string> LazyRoot = new(FindRoot);

    /// <summary>The repository root (the folder holding Mesh.sln).</summary>
    public static string Root => LazyRoot.Value;

    public static string Chart => Path.Combine(Root, "charts", "mesh");

    public static string ChartValues => Path.Combine(Chart, "values.yaml");

    public static string ChartValuesSchema => Path.Combine(Chart, "values.schema.json");

    public static string Skaffold => Path.Combine(Root, "skaffold.yaml");

    public static string Readme => Path.Combine(Root, "README.md");

    /// <summary>The operations guide the alerts' runbook_url annotations point into.</summary>
    public static string OperationsGuide => Path.Combine(Root, "docs", "operations.md");

    /// <summary>The Grafana dashboard the chart ships in its ConfigMap.</summary>
    public static string GrafanaDashboard => Path.Combine(Chart, "files", "grafana-dashboard.json");

    /// <summary>The official skaffold schema; CI has shared/ beside the clone. Never copied into the repository.</summary>
    public static string SkaffoldSchema => Path.GetFullPath(Path.Combine(Root, "..", "shared", "schemas", "skaffold-v4beta14.schema.json"));

    /// <summary>The pinned npm packages that carry the helm binaries.</summary>
    public static string Tools => Path.Combine(Root, "tests", "Mesh.Chart.Tests", "tools");

    public static string HealthNamesSource => Path.Combine(Root, "services", "Mesh.ServiceDefaults", "Health", "HealthNames.cs");

    public static string Proto(string service) => Path.Combine(Root, "protos", "mesh", service, "v1", service + ".proto");

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Mesh.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No Mesh.sln above {AppContext.BaseDirectory}: the chart tests run from inside the repository.");
    }
}
