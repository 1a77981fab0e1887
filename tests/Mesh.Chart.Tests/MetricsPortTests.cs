using Mesh.Chart.Tests.Infrastructure;

namespace Mesh.Chart.Tests;

/// <summary>
/// The containers' third port, Prometheus' scrape endpoint (GET /metrics only): named `metrics`,
/// the port the process binds (Mesh__Metrics__Urls), and on no Service, so nothing routed through
/// one (the Ingress, the HTTPRoute, in-mesh callers) ever reaches it.
/// </summary>
public sealed class MetricsPortTests
{
    [Theory]
    [MemberData(nameof(ValuesSets.All), MemberType = typeof(ValuesSets))]
    public async Task Containers_EveryService_ListenForScrapesOnThePortNamedMetrics(string valuesSet)
    {
        var chart = await ChartRenderer.RenderAsync(valuesSet);

        foreach (var name in MeshFacts.Services)
        {
            var metrics = chart.ContainerPort(name, "metrics");
            Assert.Equal(MeshFacts.MetricsContainerPort, metrics.ContainerPort);
            Assert.Equal("TCP", metrics.Protocol);

            var urls = new Uri(chart.Environment(name)["Mesh__Metrics__Urls"].Value);
            Assert.Equal("http", urls.Scheme);
            Assert.Equal("0.0.0.0", urls.Host);
            Assert.Equal(metrics.ContainerPort, urls.Port);
        }
    }

    [Theory]
    [MemberData(nameof(ValuesSets.All), MemberType = typeof(ValuesSets))]
    public async Task Services_ShippedValuesSet_NeverExposeTheMetricsPort(string valuesSet)
    {
        var chart = await ChartRenderer.RenderAsync(valuesSet);

        Assert.All(chart.Services.SelectMany(service => service.Spec.Ports), port =>
        {
            Assert.NotEqual("metrics", port.TargetPort?.Value);
            Assert.NotEqual(MeshFacts.MetricsContainerPort.ToString(System.Globalization.CultureInfo.InvariantCulture), port.TargetPort?.Value);
            Assert.NotEqual(MeshFacts.MetricsContainerPort, port.Port);
        });
    }
}
