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
    public async Task ClusterIpServices_EveryService_ExposeAGrpcPortAndAnHttpPortEachReachingItsContainerPort(string valuesSet)
    {
        var chart = await ChartRenderer.RenderAsync(valuesSet);

        foreach (var name in MeshFacts.Services)
        {
            var service = chart.Service($"{ChartRenderer.ReleaseName}-{name}");
            Assert.Equal("ClusterIP", service.Spec.Type);
            Assert.Null(service.Spec.ClusterIP);
            Assert.Equal(["grpc", "http"], service.Spec.Ports.Select(port => port.Name).Order());
            AssertGrpcPortReachesContainer(chart, name, service.Spec.Ports.Single(port => port.Name == "grpc"));
            var http = service.Spec.Ports.Single(port => port.Name == "http");
            Assert.Equal(MeshFacts.HttpContainerPort, http.Port);
            AssertHttpPortReachesContainer(chart, name, http);
        }
    }

    [Fact]
    public async Task ClusterIpServices_HttpPortSetForOneService_MovesOnlyItsServicePortNotTheContainers()
    {
        var chart = await ChartRenderer.RenderAsync(ValuesSets.Defaults, "--set", "services.orders.service.httpPort=80");

        var orders = chart.Service($"{ChartRenderer.ReleaseName}-orders").Spec.Ports.Single(port => port.Name == "http");
        Assert.Equal(80, orders.Port);
        AssertHttpPortReachesContainer(chart, "orders", orders);
        Assert.Equal(MeshFacts.HttpContainerPort, chart.Service($"{ChartRenderer.ReleaseName}-users").Spec.Ports.Single(port => port.Name == "http").Port);
    }

    [Fact]
    public async Task ClusterIpServices_HttpPortEqualToGrpcPort_AreRefusedWithAReason()
    {
        var helm = await HelmInstallation.Helm4Async();

        var result = await ChartRenderer.TemplateAsync(helm, ["--set", "services.users.service.httpPort=8080"]);

        Assert.False(result.Succeeded, result.ToString());
        Assert.Contains("service.port and service.httpPort", result.StandardError, StringComparison.Ordinal);
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
            // gRPC only: in-mesh callers speak gRPC; REST arrives through the ClusterIP Service.
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
        AssertReachesContainerPort(chart, service, port, "grpc", MeshFacts.ContainerPort);
    }

    private static void AssertHttpPortReachesContainer(RenderedChart chart, string service, V1ServicePort port)
    {
        Assert.Equal("http", port.Name);
        Assert.Equal("http", port.AppProtocol);
        AssertReachesContainerPort(chart, service, port, "http", MeshFacts.HttpContainerPort);
    }

    private static void AssertReachesContainerPort(RenderedChart chart, string service, V1ServicePort port, string containerPortName, int containerPortNumber)
    {
        Assert.Equal("TCP", port.Protocol);
        var containerPort = chart.ContainerPort(service, containerPortName);
        Assert.Equal(containerPortNumber, containerPort.ContainerPort);
        Assert.True(
            port.TargetPort.Value == containerPort.Name || port.TargetPort.Value == containerPort.ContainerPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            $"{service}: targetPort {port.TargetPort.Value} is not the container's {containerPortName} port");
    }
}
