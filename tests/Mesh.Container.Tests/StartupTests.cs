using Mesh.Container.Tests.Support;
using Xunit.Abstractions;

namespace Mesh.Container.Tests;

/// <summary>How long the image build and each container's start took; the numbers land in the test output.</summary>
[Collection(MeshContainersCollection.Name)]
public sealed class StartupTests(MeshContainers mesh, ITestOutputHelper output)
{
    private static readonly TimeSpan StartBound = TimeSpan.FromSeconds(30);

    [ContainerFact]
    public void Start_EachContainer_ReportsServingWithinBound()
    {
        output.WriteLine($"image build (three images, {MeshContainers.Engine.Name}): {mesh.ImageBuildTime.TotalSeconds:F1} s");
        output.WriteLine(mesh.ImageBuildSummary);
        foreach (var (service, elapsed) in mesh.StartToServing.OrderBy(entry => entry.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"{service}: run -> readiness SERVING in {elapsed.TotalSeconds:F2} s");
        }

        Assert.Equal(ServiceImage.All.Select(service => service.Name).Order(StringComparer.Ordinal), mesh.StartToServing.Keys.Order(StringComparer.Ordinal));
        Assert.All(mesh.StartToServing.Values, elapsed => Assert.True(elapsed < StartBound, $"took {elapsed.TotalSeconds:F1} s"));
    }
}
