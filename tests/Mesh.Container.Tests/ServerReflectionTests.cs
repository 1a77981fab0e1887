using Google.Protobuf.Reflection;
using Mesh.Container.Tests.Support;
using V1 = Grpc.Reflection.V1;
using V1Alpha = Grpc.Reflection.V1Alpha;

namespace Mesh.Container.Tests;

/// <summary>Each running container serves reflection v1 and v1alpha, as grpcurl and buf curl use it.</summary>
[Collection(MeshContainersCollection.Name)]
public sealed class ServerReflectionTests(MeshContainers mesh)
{
    /// <summary>The three services.</summary>
    public static TheoryData<string> Services() => [.. ServiceImage.All.Select(service => service.Name)];

    [ContainerTheory]
    [MemberData(nameof(Services))]
    public async Task ServerReflectionInfoV1_RunningContainer_ListsAndDescribesItsService(string name)
    {
        var service = ServiceImage.Named(name);
        using var channel = mesh.Channel(service);
        using var call = new V1.ServerReflection.ServerReflectionClient(channel).ServerReflectionInfo(deadline: Deadlines.Call());

        await call.RequestStream.WriteAsync(new V1.ServerReflectionRequest { ListServices = "" });
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        var listed = call.ResponseStream.Current.ListServicesResponse.Service.Select(entry => entry.Name).ToList();
        await call.RequestStream.WriteAsync(new V1.ServerReflectionRequest { FileContainingSymbol = service.GrpcServiceName });
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        var file = FileDescriptorProto.Parser.ParseFrom(call.ResponseStream.Current.FileDescriptorResponse.FileDescriptorProto[0]);
        await call.RequestStream.CompleteAsync();

        Assert.Contains(service.GrpcServiceName, listed);
        Assert.Contains("grpc.health.v1.Health", listed);
        Assert.Contains(file.Service, candidate => $"{file.Package}.{candidate.Name}" == service.GrpcServiceName);
        Assert.NotNull(file.SourceCodeInfo); // the proto comments travel with the image
    }

    [ContainerTheory]
    [MemberData(nameof(Services))]
    public async Task ServerReflectionInfoV1Alpha_RunningContainer_ListsItsService(string name)
    {
        var service = ServiceImage.Named(name);
        using var channel = mesh.Channel(service);
        using var call = new V1Alpha.ServerReflection.ServerReflectionClient(channel).ServerReflectionInfo(deadline: Deadlines.Call());

        await call.RequestStream.WriteAsync(new V1Alpha.ServerReflectionRequest { ListServices = "" });
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        var listed = call.ResponseStream.Current.ListServicesResponse.Service.Select(entry => entry.Name).ToList();
        await call.RequestStream.CompleteAsync();

        Assert.Contains(service.GrpcServiceName, listed);
    }
}
