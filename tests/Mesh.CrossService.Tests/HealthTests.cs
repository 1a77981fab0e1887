using Grpc.Health.V1;
using Mesh.Launcher;

namespace Mesh.CrossService.Tests;

/// <summary>Every service answers grpc.health.v1 on the names the probes use.</summary>
[Collection(MeshCollection.Name)]
public sealed class HealthTests(MeshFixture fixture)
{
    /// <summary>Each service crossed with each health name: liveness, readiness and its full name.</summary>
    public static TheoryData<MeshService, string> ServicesAndHealthNames()
    {
        var data = new TheoryData<MeshService, string>();
        foreach (var info in MeshServiceInfo.All)
        {
            data.Add(info.Service, "liveness");
            data.Add(info.Service, "readiness");
            data.Add(info.Service, info.GrpcServiceName);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ServicesAndHealthNames))]
    public async Task Check_RunningService_ReportsServing(MeshService service, string healthName)
    {
        using var channel = fixture.Channel(service);
        var client = new Health.HealthClient(channel);

        var reply = await client.CheckAsync(new HealthCheckRequest { Service = healthName }, deadline: Deadlines.Call());

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, reply.Status);
    }
}
