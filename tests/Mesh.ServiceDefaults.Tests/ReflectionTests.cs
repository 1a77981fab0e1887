using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Reflection.V1;
using Mesh.Contracts;

namespace Mesh.ServiceDefaults.Tests;

public class ReflectionTests
{
    [Fact]
    public async Task ListServices_V1_ListsMappedServicesHealthAndReflection()
    {
        await using var host = await ProbeHost.StartAsync();

        var response = await AskAsync(host, new ServerReflectionRequest { ListServices = string.Empty });

        var names = response.ListServicesResponse.Service.Select(s => s.Name).ToList();
        Assert.Contains("mesh.users.v1.UserService", names);
        Assert.Contains("grpc.health.v1.Health", names);
        Assert.Contains("grpc.reflection.v1.ServerReflection", names);
        Assert.Contains("grpc.reflection.v1alpha.ServerReflection", names);
    }

    [Fact]
    public async Task Reflection_ClosedByConfiguration_IsUnimplementedWhileHealthStillAnswers()
    {
        await using var host = await ProbeHost.StartAsync(settings: new Dictionary<string, string?> { [Hosting.MeshDefaults.ReflectionEnabledKey] = "false" });

        var refused = await Assert.ThrowsAsync<Grpc.Core.RpcException>(() => AskAsync(host, new ServerReflectionRequest { ListServices = string.Empty }));
        Assert.Equal(Grpc.Core.StatusCode.Unimplemented, refused.StatusCode);
        var health = await new Grpc.Health.V1.Health.HealthClient(host.Channel).CheckAsync(new Grpc.Health.V1.HealthCheckRequest());
        Assert.Equal(Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
    }

    [Fact]
    public async Task FileContainingSymbol_ServiceDescriptor_CarriesProtoComments()
    {
        await using var host = await ProbeHost.StartAsync();

        var response = await AskAsync(host, new ServerReflectionRequest { FileContainingSymbol = "mesh.users.v1.UserService" });

        var files = response.FileDescriptorResponse.FileDescriptorProto
            .Select(bytes => FileDescriptorProto.Parser.ParseFrom(bytes))
            .ToList();
        var users = Assert.Single(files, file => file.Name == "mesh/users/v1/users.proto");
        Assert.NotNull(users.SourceCodeInfo);
        Assert.Contains(users.SourceCodeInfo.Location, location => location.LeadingComments.Contains("Owns user identities", StringComparison.Ordinal));
    }

    [Fact]
    public async Task FileContainingSymbol_EveryMethodOfEveryService_ResolvesItsTypes()
    {
        await using var host = await ProbeHost.StartAsync();
        var services = MeshDescriptors.Files.SelectMany(file => file.Services).ToList();
        Assert.Equal(3, services.Count);

        foreach (var method in services.SelectMany(service => service.Methods))
        {
            foreach (var symbol in new[] { method.InputType.FullName, method.OutputType.FullName })
            {
                var response = await AskAsync(host, new ServerReflectionRequest { FileContainingSymbol = symbol });
                Assert.True(response.MessageResponseCase == ServerReflectionResponse.MessageResponseOneofCase.FileDescriptorResponse,
                    $"{symbol}: {response.ErrorResponse?.ErrorMessage}");
            }
        }
    }

    [Fact]
    public async Task ListServices_V1Alpha_AlsoAnswers()
    {
        await using var host = await ProbeHost.StartAsync();
        var client = new Grpc.Reflection.V1Alpha.ServerReflection.ServerReflectionClient(host.Channel);
        using var call = client.ServerReflectionInfo();

        await call.RequestStream.WriteAsync(new Grpc.Reflection.V1Alpha.ServerReflectionRequest { ListServices = string.Empty });
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));

        Assert.Contains(call.ResponseStream.Current.ListServicesResponse.Service, s => s.Name == "mesh.users.v1.UserService");
    }

    [Fact]
    public void MeshDescriptors_KeepSourceInfoForEveryContract()
    {
        foreach (var name in new[] { "mesh/users/v1/users.proto", "mesh/inventory/v1/inventory.proto", "mesh/orders/v1/orders.proto" })
        {
            var file = Assert.Single(MeshDescriptors.Files, f => f.Name == name);
            var proto = FileDescriptorProto.Parser.ParseFrom(file.SerializedData);
            Assert.Contains(proto.SourceCodeInfo.Location, l => l.HasLeadingComments);
        }
    }

    private static async Task<ServerReflectionResponse> AskAsync(ProbeHost host, ServerReflectionRequest request)
    {
        var client = new ServerReflection.ServerReflectionClient(host.Channel);
        using var call = client.ServerReflectionInfo();
        await call.RequestStream.WriteAsync(request);
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        return call.ResponseStream.Current;
    }
}
