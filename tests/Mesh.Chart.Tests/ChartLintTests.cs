using System.Text.Json.Nodes;
using Mesh.Chart.Tests.Infrastructure;

namespace Mesh.Chart.Tests;

/// <summary>`helm lint --strict` with Helm 4 and Helm 3, for the defaults and every values file the repository ships.</summary>
public sealed class ChartLintTests
{
    [Fact]
    public async Task HelmInstallation_Installed_ProvidesHelmFourAndHelmThree()
    {
        var helms = await HelmInstallation.AllAsync();

        Assert.Equal([4, 3], helms.Select(helm => helm.Major));
    }

    [Fact]
    public void ChartYaml_Metadata_IsApiVersionTwoApplicationNamedMesh()
    {
        var chart = YamlJson.LoadFile(Path.Combine(RepositoryPaths.Chart, "Chart.yaml"));

        Assert.Equal("v2", (string?)chart?["apiVersion"]);
        Assert.Equal("mesh", (string?)chart?["name"]);
        Assert.Equal("application", (string?)chart?["type"]);
        Assert.False(string.IsNullOrWhiteSpace((string?)chart?["appVersion"]), "appVersion is required");
    }

    [Fact]
    public void ValuesSets_Repository_ShipsAtLeastOneValuesFileBesideTheDefaults()
    {
        Assert.Contains(ValuesSets.Defaults, ValuesSets.Names);
        Assert.True(ValuesSets.Names.Count >= 2, string.Join(", ", ValuesSets.Names));
    }

    [Theory]
    [MemberData(nameof(ValuesSets.AllWithHelmMajors), MemberType = typeof(ValuesSets))]
    public async Task HelmLintStrict_ShippedValuesSet_Passes(string valuesSet, int helmMajor)
    {
        var helm = await HelmInstallation.MajorAsync(helmMajor);

        var result = await helm.RunAsync(["lint", "--strict", RepositoryPaths.Chart, "--namespace", ChartRenderer.Namespace, .. ValuesSets.Arguments(valuesSet)]);

        Assert.True(result.Succeeded, result.ToString());
        Assert.Contains("0 chart(s) failed", result.StandardOutput);
        Assert.DoesNotContain("[WARNING]", result.StandardOutput);
        Assert.DoesNotContain("[ERROR]", result.StandardOutput);
    }

    [Fact]
    public void ValuesYaml_EveryServiceEntry_HasOnlyItsImage()
    {
        // Per-service copies of shared settings belong in serviceDefaults; an entry holds what differs.
        var services = YamlJson.LoadFile(RepositoryPaths.ChartValues)?["services"]?.AsObject();

        Assert.NotNull(services);
        Assert.Equal(MeshFacts.Services.Order(), services.Select(entry => entry.Key).Order());
        foreach (var (name, entry) in services)
        {
            Assert.Equal(["image"], ((JsonObject)entry!).Select(setting => setting.Key));
        }
    }
}
