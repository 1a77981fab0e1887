using Mesh.Chart.Tests.Infrastructure;

namespace Mesh.Chart.Tests;

/// <summary>The optional HorizontalPodAutoscaler: with it the Deployment renders no replicas; without it, no HPA.</summary>
public sealed class AutoscalingTests
{
    [Fact]
    public async Task Autoscaling_EnabledWithPostgresStorage_RendersAnHpaPerServiceAndNoReplicas()
    {
        var chart = await ChartRenderer.RenderAsync(ValuesSets.Defaults,
            "--set", "serviceDefaults.storage.mode=postgres", "--set", "postgresql.enabled=true", "--set", "serviceDefaults.autoscaling.enabled=true",
            "--set", "serviceDefaults.autoscaling.minReplicas=2", "--set", "serviceDefaults.autoscaling.maxReplicas=5");

        foreach (var name in MeshFacts.Services)
        {
            var deployment = chart.Deployment(name);
            Assert.Null(deployment.Spec.Replicas);
            var autoscaler = Assert.Single(chart.HorizontalPodAutoscalers, hpa => hpa.Spec.ScaleTargetRef.Name == deployment.Metadata.Name);
            Assert.Equal("Deployment", autoscaler.Spec.ScaleTargetRef.Kind);
            Assert.Equal("apps/v1", autoscaler.Spec.ScaleTargetRef.ApiVersion);
            Assert.Equal(2, autoscaler.Spec.MinReplicas);
            Assert.Equal(5, autoscaler.Spec.MaxReplicas);
            Assert.Equal("cpu", Assert.Single(autoscaler.Spec.Metrics).Resource.Name);
        }
    }

    [Fact]
    public async Task Autoscaling_EnabledForOneService_LeavesTheOthersWithReplicas()
    {
        var chart = await ChartRenderer.RenderAsync(ValuesSets.Defaults,
            "--set", "services.orders.storage.mode=postgres", "--set", "postgresql.enabled=true", "--set", "services.orders.autoscaling.enabled=true");

        Assert.Null(chart.Deployment("orders").Spec.Replicas);
        Assert.Equal(1, chart.Deployment("users").Spec.Replicas);
        Assert.Equal("mesh-orders", Assert.Single(chart.HorizontalPodAutoscalers).Metadata.Name);
    }

    [Theory]
    [MemberData(nameof(ValuesSets.All), MemberType = typeof(ValuesSets))]
    public async Task Autoscaling_ShippedValuesSet_RendersReplicasAndNoHpa(string valuesSet)
    {
        var chart = await ChartRenderer.RenderAsync(valuesSet);

        Assert.Empty(chart.HorizontalPodAutoscalers);
        Assert.All(chart.Deployments, deployment => Assert.NotNull(deployment.Spec.Replicas));
    }
}
