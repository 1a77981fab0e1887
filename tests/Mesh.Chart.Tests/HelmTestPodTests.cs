using System.Text.Json;
using Mesh.Chart.Tests.Infrastructure;

namespace Mesh.Chart.Tests;

/// <summary>The `helm test` pods: one grpcurl health check per service, through its ClusterIP Service, with no shell.</summary>
public sealed class HelmTestPodTests
{
    [Theory]
    [MemberData(nameof(ValuesSets.All), MemberType = typeof(ValuesSets))]
    public async Task HelmTestPods_EveryService_HealthChecksItsFullGrpcNameThroughItsService(string valuesSet)
    {
        var chart = await ChartRenderer.RenderAsync(valuesSet);
        var testImage = (string?)YamlJson.At(YamlJson.LoadFile(RepositoryPaths.ChartValues), "tests.image");
        var checkedServices = new List<string>();

        foreach (var pod in chart.TestPods)
        {
            Assert.Equal("Never", pod.Spec.RestartPolicy);
            var container = Assert.Single(pod.Spec.Containers);
            Assert.Equal(testImage, container.Image);
            // The image's entrypoint is grpcurl: no shell, no command override.
            Assert.Null(container.Command);
            var args = container.Args.ToArray();
            Assert.DoesNotContain(args, argument => argument is "sh" or "bash" or "-c");
            Assert.Equal("grpc.health.v1.Health/Check", args[^1]);
            Assert.Contains("-plaintext", args);
            var target = args[^2].Split(':');
            var request = JsonDocument.Parse(args[Array.IndexOf(args, "-d") + 1]).RootElement.GetProperty("service").GetString();

            var service = chart.Service(target[0]);
            Assert.Null(service.Spec.ClusterIP);
            // grpcurl speaks gRPC: the target is the Service's grpc port, not its http one.
            var port = Assert.Single(service.Spec.Ports, port => port.Port == int.Parse(target[1], System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal("grpc", port.Name);
            var name = chart.ServiceSelecting(service);
            Assert.Equal(MeshFacts.GrpcServiceName(name), request);
            checkedServices.Add(name);
        }

        Assert.Equal(MeshFacts.Services.Order(), checkedServices.Order());
    }

    [Fact]
    public async Task HelmTestPods_ImageAndTimeoutValues_AreUsed()
    {
        var chart = await ChartRenderer.RenderAsync(ValuesSets.Defaults, "--set", "tests.image=registry.example.com/tools/grpcurl:1.2.3", "--set", "tests.timeoutSeconds=42");

        Assert.All(chart.TestPods, pod =>
        {
            var container = pod.Spec.Containers.Single();
            Assert.Equal("registry.example.com/tools/grpcurl:1.2.3", container.Image);
            Assert.Equal("42", container.Args[container.Args.IndexOf("-max-time") + 1]);
        });
    }

    [Fact]
    public async Task HelmTestPods_Disabled_RenderNoPodAndNoTestPolicy()
    {
        var chart = await ChartRenderer.RenderAsync(ValuesSets.Defaults, "--set", "tests.enabled=false");

        Assert.Empty(chart.TestPods);
        Assert.DoesNotContain(chart.NetworkPolicies, policy => policy.Metadata.Name.EndsWith("helm-test", StringComparison.Ordinal));
    }
}
