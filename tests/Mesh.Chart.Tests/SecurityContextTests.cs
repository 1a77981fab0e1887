using Mesh.Chart.Tests.Infrastructure;
using k8s.Models;

namespace Mesh.Chart.Tests;

/// <summary>Every pod the chart runs: non-root uid 1654, read-only root with an emptyDir /tmp, no capabilities, RuntimeDefault seccomp, no token.</summary>
public sealed class SecurityContextTests
{
    [Theory]
    [MemberData(nameof(ValuesSets.All), MemberType = typeof(ValuesSets))]
    public async Task ServicePods_EveryDeployment_RunNonRootReadOnlyWithoutCapabilities(string valuesSet)
    {
        var chart = await ChartRenderer.RenderAsync(valuesSet);

        foreach (var name in MeshFacts.Services)
        {
            var pod = chart.Deployment(name).Spec.Template.Spec;
            AssertLockedDown(name, pod);
            Assert.Equal(MeshFacts.Uid, pod.SecurityContext.FsGroup);
            var tmp = Assert.Single(pod.Containers.Single().VolumeMounts, mount => mount.MountPath == "/tmp");
            Assert.NotNull(Assert.Single(pod.Volumes, volume => volume.Name == tmp.Name).EmptyDir);
        }
    }

    [Theory]
    [MemberData(nameof(ValuesSets.All), MemberType = typeof(ValuesSets))]
    public async Task HelmTestPods_Every_RunNonRootReadOnlyWithoutCapabilities(string valuesSet)
    {
        var chart = await ChartRenderer.RenderAsync(valuesSet);

        Assert.NotEmpty(chart.TestPods);
        Assert.All(chart.TestPods, pod => AssertLockedDown(pod.Metadata.Name, pod.Spec));
    }

    [Fact]
    public async Task BundledPostgresql_Pod_RunsAsThePostgresUserReadOnlyWithoutCapabilities()
    {
        var chart = await ChartRenderer.RenderAsync("values-postgres.yaml");
        var pod = chart.StatefulSets.Single().Spec.Template.Spec;

        // The official image's postgres user; the data volume is group-owned through fsGroup.
        AssertLockedDown("postgresql", pod, uid: 999);
        Assert.Equal(999, pod.SecurityContext.FsGroup);
        var writable = pod.Containers.Single().VolumeMounts.Where(mount => mount.ReadOnlyProperty != true).Select(mount => mount.MountPath).Order();
        Assert.Equal(["/tmp", "/var/lib/postgresql/data", "/var/run/postgresql"], writable);
    }

    [Fact]
    public async Task BundledRabbitmq_Pod_RunsAsTheRabbitmqUserReadOnlyWithoutCapabilities()
    {
        var chart = await ChartRenderer.RenderAsync("values-messaging.yaml");
        var pod = chart.StatefulSets.Single(set => set.Metadata.Name == $"{ChartRenderer.ReleaseName}-rabbitmq").Spec.Template.Spec;

        // The official image's rabbitmq user; the data volume (its home, with the Erlang cookie) is
        // group-owned through fsGroup, changed only on a new volume so the cookie stays private.
        AssertLockedDown("rabbitmq", pod, uid: 999);
        Assert.Equal(999, pod.SecurityContext.FsGroup);
        Assert.Equal("OnRootMismatch", pod.SecurityContext.FsGroupChangePolicy);
        var writable = pod.Containers.Single().VolumeMounts.Where(mount => mount.ReadOnlyProperty != true).Select(mount => mount.MountPath).Order();
        Assert.Equal(["/tmp", "/var/lib/rabbitmq"], writable);
        Assert.All(pod.Volumes, volume => Assert.True(volume.EmptyDir is not null, $"{volume.Name}: not an emptyDir beside the claim"));
    }

    private static void AssertLockedDown(string name, V1PodSpec pod, long uid = MeshFacts.Uid)
    {
        Assert.False(pod.AutomountServiceAccountToken, $"{name}: the service-account token is mounted");
        Assert.NotNull(pod.SecurityContext);
        Assert.True(pod.SecurityContext.RunAsNonRoot, $"{name}: pod runAsNonRoot");
        Assert.Equal(uid, pod.SecurityContext.RunAsUser);
        Assert.Equal("RuntimeDefault", pod.SecurityContext.SeccompProfile?.Type);
        Assert.Null(pod.HostNetwork);
        Assert.Null(pod.HostPID);
        Assert.All(pod.Containers.Concat(pod.InitContainers ?? []), container =>
        {
            var context = container.SecurityContext;
            Assert.NotNull(context);
            Assert.True(context.RunAsNonRoot, $"{name}/{container.Name}: runAsNonRoot");
            Assert.Equal(uid, context.RunAsUser);
            Assert.True(context.ReadOnlyRootFilesystem, $"{name}/{container.Name}: readOnlyRootFilesystem");
            Assert.False(context.AllowPrivilegeEscalation, $"{name}/{container.Name}: allowPrivilegeEscalation");
            Assert.NotEqual(true, context.Privileged);
            Assert.Equal(["ALL"], context.Capabilities?.Drop);
            Assert.True(context.Capabilities?.Add is null or { Count: 0 }, $"{name}/{container.Name}: adds capabilities");
            Assert.Equal("RuntimeDefault", context.SeccompProfile?.Type);
        });
    }
}
