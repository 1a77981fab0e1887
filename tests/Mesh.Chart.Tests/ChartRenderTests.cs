using System.Text.RegularExpressions;
using Mesh.Chart.Tests.Infrastructure;
using k8s.Models;

namespace Mesh.Chart.Tests;

/// <summary>`helm template` output as Kubernetes objects: strict loading, the same output on Helm 3 and 4, layout and labels.</summary>
public sealed partial class ChartRenderTests
{
    [Theory]
    [MemberData(nameof(ValuesSets.AllWithHelmMajors), MemberType = typeof(ValuesSets))]
    public async Task HelmTemplate_ShippedValuesSet_EveryDocumentLoadsStrictlyIntoTheObjectModel(string valuesSet, int helmMajor)
    {
        var helm = await HelmInstallation.MajorAsync(helmMajor);

        var chart = await ChartRenderer.RenderAsync(helm, ValuesSets.Arguments(valuesSet));

        Assert.Equal(3, chart.Deployments.Count());
        Assert.Equal(6, chart.GrpcServices.Count());
        Assert.Equal(3, chart.ServiceAccounts.Count());
        Assert.Equal(3, chart.TestPods.Count());
        Assert.All(chart.Objects, item => Assert.False(string.IsNullOrEmpty(item.Kind)));
    }

    [Theory]
    [MemberData(nameof(ValuesSets.All), MemberType = typeof(ValuesSets))]
    public async Task HelmTemplate_HelmThreeAndHelmFour_RenderTheSameDocuments(string valuesSet)
    {
        var helm4 = await ChartRenderer.TemplateAsync(await HelmInstallation.Helm4Async(), ValuesSets.Arguments(valuesSet));
        var helm3 = await ChartRenderer.TemplateAsync(await HelmInstallation.Helm3Async(), ValuesSets.Arguments(valuesSet));

        Assert.True(helm4.Succeeded, helm4.ToString());
        Assert.True(helm3.Succeeded, helm3.ToString());
        // The bundled PostgreSQL's and RabbitMQ's Secrets hold passwords generated anew by every render.
        Assert.Equal(WithoutSecretData(helm3.StandardOutput), WithoutSecretData(helm4.StandardOutput));
    }

    [Fact]
    public async Task StrictLoad_UnknownFieldPassedThroughValues_IsRejected()
    {
        // extraEnv items are passed through as they are: a misspelt field renders, and strict loading must catch it.
        var helm = await HelmInstallation.Helm4Async();
        var result = await ChartRenderer.TemplateAsync(helm, ["--set-json", """serviceDefaults.extraEnv=[{"name":"A","valeu":"typo"}]"""]);
        Assert.True(result.Succeeded, result.ToString());

        var error = Assert.ThrowsAny<Exception>(() => RenderedChart.Load(result.StandardOutput));

        Assert.Contains("valeu", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Templates_EveryFile_RendersOneKindOfResource()
    {
        var helm = await HelmInstallation.Helm4Async();
        var result = await ChartRenderer.TemplateAsync(helm, ["--set", "serviceDefaults.storage.mode=postgres", "--set", "postgresql.enabled=true", "--set", "serviceDefaults.autoscaling.enabled=true",
            "--set", "auth.allowUnauthenticatedPublicAccess=true", "--set", "ingress.enabled=true", "--set", "httpRoute.enabled=true", "--set-json", """httpRoute.parentRefs=[{"name":"public"}]""",
            "--set", "messaging.enabled=true", "--set", "messaging.rabbitmq.enabled=true"]);
        Assert.True(result.Succeeded, result.ToString());

        var kindsBySource = result.StandardOutput.Split("\n---")
            .Select(document => (Source: SourceRegex().Match(document), Kind: KindRegex().Match(document)))
            .Where(document => document.Source.Success && document.Kind.Success)
            .GroupBy(document => document.Source.Groups[1].Value, document => document.Kind.Groups[1].Value);

        Assert.All(kindsBySource, source => Assert.Single(source.Distinct()));
        Assert.Contains(kindsBySource, source => source.Key.EndsWith("horizontalpodautoscaler.yaml", StringComparison.Ordinal));
        Assert.Contains(kindsBySource, source => source.Key.EndsWith("postgresql-statefulset.yaml", StringComparison.Ordinal));
        Assert.Contains(kindsBySource, source => source.Key.EndsWith("postgresql-secret.yaml", StringComparison.Ordinal));
        Assert.Contains(kindsBySource, source => source.Key.EndsWith("rabbitmq-statefulset.yaml", StringComparison.Ordinal));
        Assert.Contains(kindsBySource, source => source.Key.EndsWith("rabbitmq-service.yaml", StringComparison.Ordinal));
        Assert.Contains(kindsBySource, source => source.Key.EndsWith("rabbitmq-secret.yaml", StringComparison.Ordinal));
        Assert.Contains(kindsBySource, source => source.Key.EndsWith("ingress.yaml", StringComparison.Ordinal));
        Assert.Contains(kindsBySource, source => source.Key.EndsWith("httproute.yaml", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(ValuesSets.All), MemberType = typeof(ValuesSets))]
    public async Task Objects_EveryDocument_CarriesTheRecommendedLabels(string valuesSet)
    {
        var chart = await ChartRenderer.RenderAsync(valuesSet);

        Assert.All(chart.Objects, item =>
        {
            var labels = ((IMetadata<V1ObjectMeta>)item).Metadata.Labels;
            foreach (var key in new[] { "app.kubernetes.io/name", "app.kubernetes.io/instance", "app.kubernetes.io/part-of", "app.kubernetes.io/version", "app.kubernetes.io/managed-by", "helm.sh/chart" })
            {
                Assert.True(labels?.ContainsKey(key) == true, $"{item.Kind} {((IMetadata<V1ObjectMeta>)item).Metadata.Name} lacks label {key}");
            }

            Assert.Equal(ChartRenderer.ReleaseName, labels!["app.kubernetes.io/instance"]);
            Assert.Equal(ChartRenderer.Namespace, ((IMetadata<V1ObjectMeta>)item).Metadata.NamespaceProperty);
        });
    }

    /// <summary>The output with each Secret's data values replaced by a placeholder (the keys stay).</summary>
    private static string WithoutSecretData(string output) =>
        string.Join("\n---", output.Split("\n---").Select(document =>
            KindRegex().Match(document) is { Success: true } kind && kind.Groups[1].Value == "Secret"
                ? SecretValueRegex().Replace(document, "$1: <generated>")
                : document));

    [GeneratedRegex(@"^(  [-._a-zA-Z0-9]+): ""[A-Za-z0-9+/=]*""$", RegexOptions.Multiline)]
    private static partial Regex SecretValueRegex();

    [GeneratedRegex(@"^# Source: (\S+)", RegexOptions.Multiline)]
    private static partial Regex SourceRegex();

    [GeneratedRegex(@"^kind: (\S+)", RegexOptions.Multiline)]
    private static partial Regex KindRegex();
}
