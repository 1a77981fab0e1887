namespace Mesh.Chart.Tests.Infrastructure;

/// <summary>
/// The values sets the repository ships: the chart's defaults and every charts/mesh/values-*.yaml
/// (a values file added later is tested without touching the tests).
/// </summary>
public static class ValuesSets
{
    public const string Defaults = "values.yaml";

    public static IReadOnlyList<string> Names { get; } =
        new[] { Defaults }
            .Concat(Directory.GetFiles(RepositoryPaths.Chart, "values-*.yaml").Select(Path.GetFileName).Order(StringComparer.Ordinal)!)
            .ToArray()!;

    /// <summary>The helm arguments selecting a values set.</summary>
    public static IReadOnlyList<string> Arguments(string name) =>
        name == Defaults ? [] : ["--values", Path.Combine(RepositoryPaths.Chart, name)];

    public static TheoryData<string> All()
    {
        var data = new TheoryData<string>();
        foreach (var name in Names)
        {
            data.Add(name);
        }

        return data;
    }

    /// <summary>Every values set with every helm major version.</summary>
    public static TheoryData<string, int> AllWithHelmMajors()
    {
        var data = new TheoryData<string, int>();
        foreach (var name in Names)
        {
            data.Add(name, 4);
            data.Add(name, 3);
        }

        return data;
    }
}
