using Mesh.Chart.Tests.Infrastructure;

namespace Mesh.Chart.Tests;

/// <summary>
/// The optional PodMonitors (monitoring.coreos.com/v1): one per service, selecting exactly that
/// service's pods on their `metrics` port, with the job and release labels the dashboard and the
/// alerts select by.
/// </summary>
public sealed class PodMonitorTests
{
    private static readonly string[] Enabled = ["--set", "metrics.podMonitor.enabled=true"];

    [Theory]
    [InlineData(ValuesSets.Defaults)]
    [InlineData("values-dev.yaml")]
    [InlineData("values-postgres.yaml")]
    public async Task Monitoring_NotEnabled_RendersNoPodMonitorRuleOrDashboard(string valuesSet)
    {
        var chart = await ChartRenderer.RenderAsync(valuesSet);

        Assert.Empty(chart.PodMonitors);
        Assert.Empty(chart.PrometheusRules);
        Assert.DoesNotContain(chart.ConfigMaps, map => map.Metadata.Name.EndsWith("-grafana-dashboard", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Monitoring_ProductionExample_RendersAllThreeForItsPrometheus()
    {
        var chart = await ChartRenderer.RenderAsync("values-production-example.yaml");

        Assert.Equal(MeshFacts.Services.Count, chart.PodMonitors.Count());
        Assert.All(chart.PodMonitors, monitor => Assert.Equal("kube-prometheus-stack", monitor.Metadata.Labels["release"]));
        Assert.Equal("kube-prometheus-stack", Assert.Single(chart.PrometheusRules).Metadata.Labels["release"]);
        Assert.Single(chart.ConfigMaps, map => map.Metadata.Name.EndsWith("-grafana-dashboard", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PodMonitors_Enabled_EachSelectsExactlyItsServicesPodsOnTheMetricsPort()
    {
        var chart = await ChartRenderer.RenderAsync(ValuesSets.Defaults, Enabled);
        var podTemplates = chart.Deployments.Select(deployment => (Owner: deployment.Metadata.Name, deployment.Spec.Template.Metadata.Labels))
            .Concat(chart.StatefulSets.Select(set => (Owner: set.Metadata.Name, set.Spec.Template.Metadata.Labels)))
            .Concat(chart.TestPods.Select(pod => (Owner: pod.Metadata.Name, pod.Metadata.Labels)))
            .ToArray();

        Assert.Equal(MeshFacts.Services.Count, chart.PodMonitors.Count());
        foreach (var name in MeshFacts.Services)
        {
            var monitor = Assert.Single(chart.PodMonitors, monitor => monitor.Metadata.Name == $"{ChartRenderer.ReleaseName}-{name}");
            Assert.Equal("monitoring.coreos.com/v1", monitor.ApiVersion);
            Assert.Equal(ChartRenderer.Namespace, monitor.Metadata.NamespaceProperty);
            var selected = podTemplates.Where(template => LabelSelectors.Matches(monitor.Spec.Selector, template.Labels)).Select(template => template.Owner);
            Assert.Equal([$"{ChartRenderer.ReleaseName}-{name}"], selected);

            var endpoint = Assert.Single(monitor.Spec.PodMetricsEndpoints);
            Assert.Equal(MeshFacts.MetricsContainerPort, chart.ContainerPort(name, endpoint.Port!).ContainerPort);
            Assert.Equal("/metrics", endpoint.Path);
            Assert.Equal("http", endpoint.Scheme);
            Assert.Equal(("30s", "10s"), (endpoint.Interval, endpoint.ScrapeTimeout));

            // job is the pod label holding the service's key; the release label travels onto the targets.
            var podLabels = chart.Deployment(name).Spec.Template.Metadata.Labels;
            Assert.Equal(name, podLabels[monitor.Spec.JobLabel!]);
            Assert.Equal(["app.kubernetes.io/instance"], monitor.Spec.PodTargetLabels);
            Assert.Equal(ChartRenderer.ReleaseName, podLabels["app.kubernetes.io/instance"]);
        }
    }

    [Fact]
    public async Task PodMonitors_LabelsAndTimingSet_CarryThemForThePrometheusSelector()
    {
        var chart = await ChartRenderer.RenderAsync(ValuesSets.Defaults, [.. Enabled,
            "--set", "metrics.podMonitor.labels.release=kube-prometheus-stack",
            "--set", "metrics.podMonitor.interval=15s", "--set", "metrics.podMonitor.scrapeTimeout=15s"]);

        Assert.All(chart.PodMonitors, monitor =>
        {
            Assert.Equal("kube-prometheus-stack", monitor.Metadata.Labels["release"]);
            Assert.Equal("monitoring", monitor.Metadata.Labels["app.kubernetes.io/component"]);
            Assert.Equal(("15s", "15s"), (monitor.Spec.PodMetricsEndpoints.Single().Interval, monitor.Spec.PodMetricsEndpoints.Single().ScrapeTimeout));
        });
    }

    [Theory]
    [InlineData("1m", "30s")]
    [InlineData("31s", "30s")]
    [InlineData("2s", "1500ms")]
    public async Task PodMonitors_ScrapeTimeoutLongerThanInterval_AreRefusedWithAReason(string timeout, string interval)
    {
        var helm = await HelmInstallation.Helm4Async();

        var result = await ChartRenderer.TemplateAsync(helm, [.. Enabled,
            "--set", $"metrics.podMonitor.scrapeTimeout={timeout}", "--set", $"metrics.podMonitor.interval={interval}"]);

        Assert.False(result.Succeeded, result.ToString());
        Assert.Contains("scrapeTimeout", result.StandardError, StringComparison.Ordinal);
    }
}
