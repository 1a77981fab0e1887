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
        await AssertLintsCleanAsync(helmMajor, ValuesSets.Arguments(valuesSet));
    }

    [Theory]
    [InlineData(4)]
    [InlineData(3)]
    public async Task HelmLintStrict_RestSideExposed_Passes(int helmMajor)
    {
        await AssertLintsCleanAsync(helmMajor,
        [
            "--set", "auth.allowUnauthenticatedPublicAccess=true", "--set", "ingress.enabled=true", "--set", "ingress.className=nginx", "--set", "ingress.hosts={api.example.com}",
            "--set-json", """ingress.tls=[{"secretName":"api-example-com-tls","hosts":["api.example.com"]}]""",
            "--set", "httpRoute.enabled=true", "--set", "httpRoute.hostnames={api.example.com}",
            "--set-json", """httpRoute.parentRefs=[{"name":"public","namespace":"gateway-system","sectionName":"https"}]""",
            "--set", "serviceDefaults.http.corsAllowedOrigins={https://app.example.com}", "--set", "services.inventory.http.docs=true",
        ]);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(3)]
    public async Task HelmLintStrict_MonitoringEnabled_Passes(int helmMajor)
    {
        await AssertLintsCleanAsync(helmMajor,
        [
            "--set", "metrics.podMonitor.enabled=true", "--set", "metrics.podMonitor.labels.release=kube-prometheus-stack",
            "--set", "prometheusRule.enabled=true", "--set", "prometheusRule.labels.release=kube-prometheus-stack",
            "--set", "prometheusRule.runbookBaseUrl=https://git.example.com/mesh/-/blob/main/",
            "--set", "grafana.dashboard.enabled=true", "--set", "grafana.dashboard.annotations.grafana_folder=Mesh",
            "--set-json", """networkPolicy.metricsIngressFrom=[{"namespaceSelector":{"matchLabels":{"kubernetes.io/metadata.name":"observability"}}}]""",
        ]);
    }

    [Fact]
    public void ValuesYaml_EveryServiceEntry_HasOnlyItsImageAndRestRoutes()
    {
        // Per-service copies of shared settings belong in serviceDefaults; an entry holds what is its
        // own alone: its image and the REST paths it owns (a path belongs to one service).
        var services = YamlJson.LoadFile(RepositoryPaths.ChartValues)?["services"]?.AsObject();

        Assert.NotNull(services);
        Assert.Equal(MeshFacts.Services.Order(), services.Select(entry => entry.Key).Order());
        foreach (var (name, entry) in services)
        {
            Assert.Equal(["image", "http"], ((JsonObject)entry!).Select(setting => setting.Key));
            Assert.Equal(["routes"], ((JsonObject)entry!["http"]!).Select(setting => setting.Key));
        }
    }

    // helm lint --strict with these values: no failed chart, no warning, no error.
    internal static async Task AssertLintsCleanAsync(int helmMajor, IReadOnlyList<string> values)
    {
        var helm = await HelmInstallation.MajorAsync(helmMajor);

        var result = await helm.RunAsync(["lint", "--strict", RepositoryPaths.Chart, "--namespace", ChartRenderer.Namespace, .. values]);

        Assert.True(result.Succeeded, result.ToString());
        Assert.Contains("0 chart(s) failed", result.StandardOutput);
        Assert.DoesNotContain("[WARNING]", result.StandardOutput);
        Assert.DoesNotContain("[ERROR]", result.StandardOutput);
    }
}
