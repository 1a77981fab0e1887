using Grpc.Health.V1;
using Mesh.Container.Tests.Support;

namespace Mesh.Container.Tests;

/// <summary>Each running container answers grpc.health.v1 on every name the Kubernetes probes use.</summary>
[Collection(MeshContainersCollection.Name)]
public sealed class HealthTests(MeshContainers mesh)
{
    /// <summary>Each service crossed with each health name: liveness, readiness, "" and its full name.</summary>
    public static TheoryData<string, string> ServicesAndHealthNames()
    {
        var data = new TheoryData<string, string>();
        foreach (var service in ServiceImage.All)
        {
            data.Add(service.Name, "liveness");
            data.Add(service.Name, "readiness");
            data.Add(service.Name, "");
            data.Add(service.Name, service.GrpcServiceName);
        }

        return data;
    }

    [ContainerTheory]
    [MemberData(nameof(ServicesAndHealthNames))]
    public async Task Check_RunningContainer_ReportsServing(string name, string healthName)
    {
        using var channel = mesh.Channel(ServiceImage.Named(name));
        var client = new Health.HealthClient(channel);

        var reply = await client.CheckAsync(new HealthCheckRequest { Service = healthName }, deadline: Deadlines.Call());

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, reply.Status);
    }
}
