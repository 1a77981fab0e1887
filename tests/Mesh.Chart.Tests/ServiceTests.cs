using Mesh.Chart.Tests.Infrastructure;
using k8s.Models;

namespace Mesh.Chart.Tests;

/// <summary>The ClusterIP Services and their headless twins.</summary>
public sealed class ServiceTests
{
    [Theory]
    [MemberData(nameof(ValuesSets.All), MemberType = typeof(ValuesSets))]
    public async Task Services_EveryService_SelectExactlyTheirDeploymentsPods(string valuesSet)
    {
        var chart = await ChartRenderer.RenderAsync(valuesSet);
        var podTemplates = chart.Deployments
            .Select(deployment => (Owner: deployment.Metadata.Name, deployment.Spec.Template.Metadata.Labels))
            .Concat(chart.StatefulSets.Select(set => (Owner: set.Metadata.Name, set.Spec.Template.Metadata.Labels)))
            .Concat(chart.TestPods.Select(pod => (Owner: pod.Metadata.Name, pod.Metadata.Labels)))
            .ToArray();

        Assert.All(chart.Services, service =>
        {
            var owner = service.Metadata.Name.EndsWith("-headless", StringComparison.Ordinal)
                ? service.Metadata.Name[..^"-headless".Length]
                : service.Metadata.Name;
            var selected = podTemplates.Where(template => LabelSelectors.Matches(service.Spec.Selector, template.Labels)).Select(template => template.Owner);
            Assert.Equal([owner], selected);
        });
    }

    [Theory]
    [MemberData(nameof(ValuesSets.All), MemberType = typeof(ValuesSets))]
    public async Task ClusterIpServices_EveryService_ExposeAPortNamedGrpcWithAppProtocolGrpc(string valuesSet)
    {
        var chart = await ChartRenderer.RenderAsync(valuesSet);

        foreach (var name in MeshFacts.Services)
        {
            var service = chart.Service($"{ChartRenderer.ReleaseName}-{name}");
            Assert.Equal("ClusterIP", service.Spec.Type);
            Assert.Null(service.Spec.ClusterIP);
            var port = Assert.Single(service.Spec.Ports);
            AssertGrpcPortReachesContainer(chart, name, port);
        }
    }

    [Theory]
    [MemberData(nameof(ValuesSets.All), MemberType = typeof(ValuesSets))]
    public async Task HeadlessServices_EveryService_ExistWithoutClusterIpPublishingOnlyReadyPods(string valuesSet)
    {
        var chart = await ChartRenderer.RenderAsync(valuesSet);

        foreach (var name in MeshFacts.Services)
        {
            var headless = chart.Service($"{ChartRenderer.ReleaseName}-{name}-headless");
            Assert.Equal("None", headless.Spec.ClusterIP);
            Assert.False(headless.Spec.PublishNotReadyAddresses ?? false);
            var port = Assert.Single(headless.Spec.Ports);
            // dns:/// clients dial the pod addresses, so the port they use must be the container's.
            Assert.Equal(MeshFacts.ContainerPort, port.Port);
            AssertGrpcPortReachesContainer(chart, name, port);
        }
    }

    private static void AssertGrpcPortReachesContainer(RenderedChart chart, string service, V1ServicePort port)
    {
        Assert.Equal("grpc", port.Name);
        Assert.Equal("grpc", port.AppProtocol);
        Assert.Equal("TCP", port.Protocol);
        var containerPort = chart.ContainerPort(service, "grpc");
        Assert.Equal(MeshFacts.ContainerPort, containerPort.ContainerPort);
        Assert.True(
            port.TargetPort.Value == containerPort.Name || port.TargetPort.Value == containerPort.ContainerPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            $"{service}: targetPort {port.TargetPort.Value} is not the container's grpc port");
    }
}
