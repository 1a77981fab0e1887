using Google.Protobuf.Reflection;
using Grpc.Core;
using Grpc.Reflection.V1;
using Mesh.Launcher;

namespace Mesh.CrossService.Tests;

/// <summary>
/// grpcurl's path through server reflection v1: list the services, fetch each service's file by
/// symbol, resolve every method's input and output type, and show the proto comments.
/// </summary>
[Collection(MeshCollection.Name)]
public sealed class ServerReflectionTests(MeshFixture fixture)
{
    private const int ServiceField = 6; // FileDescriptorProto.service
    private const int MethodField = 2; // ServiceDescriptorProto.method

    /// <summary>Each service with one of its methods and the start of that method's proto comment.</summary>
    public static TheoryData<MeshService, string, string> ServicesWithDocumentedMethod() => new()
    {
        { MeshService.Users, "CreateUser", "Creates a user." },
        { MeshService.Inventory, "CreateItem", "Adds an item to the catalog." },
        { MeshService.Orders, "PlaceOrder", "Places an order." },
    };

    [Theory]
    [MemberData(nameof(ServicesWithDocumentedMethod))]
    public async Task ServerReflectionInfo_EachService_ResolvesEveryMethodAndShowsComments(
        MeshService service, string method, string comment)
    {
        using var timeout = Deadlines.After(60);
        using var channel = fixture.Channel(service);
        using var call = new ServerReflection.ServerReflectionClient(channel)
            .ServerReflectionInfo(deadline: DateTime.UtcNow.AddSeconds(60), cancellationToken: timeout.Token);
        var session = new ReflectionSession(call, timeout.Token);
        var serviceName = MeshServiceInfo.Of(service).GrpcServiceName;

        var listed = await session.ListServicesAsync();
        foreach (var name in listed)
        {
            var file = await session.FileContainingAsync(name);
            var descriptor = file.Service.Single(candidate => $"{file.Package}.{candidate.Name}" == name);
            foreach (var type in descriptor.Method.SelectMany(candidate => new[] { candidate.InputType, candidate.OutputType }))
            {
                var typeName = type.TrimStart('.');
                await session.FileContainingAsync(typeName);
                Assert.True(session.DefinesMessage(typeName), $"{name}: reflection did not resolve {typeName}");
            }
        }

        var meshFile = await session.FileContainingAsync(serviceName);
        var serviceIndex = meshFile.Service.ToList().FindIndex(candidate => $"{meshFile.Package}.{candidate.Name}" == serviceName);
        var methodIndex = meshFile.Service[serviceIndex].Method.ToList().FindIndex(candidate => candidate.Name == method);
        var location = meshFile.SourceCodeInfo?.Location.FirstOrDefault(candidate =>
            candidate.Path.SequenceEqual([ServiceField, serviceIndex, MethodField, methodIndex]));
        await call.RequestStream.CompleteAsync();

        Assert.Contains(serviceName, listed);
        Assert.Contains("grpc.health.v1.Health", listed);
        Assert.True(location is not null, $"{meshFile.Name} came without source info for {method}");
        Assert.Contains(comment, location.LeadingComments, StringComparison.Ordinal);
    }

    /// <summary>One reflection stream, remembering every file the server sent on it.</summary>
    private sealed class ReflectionSession(
        AsyncDuplexStreamingCall<ServerReflectionRequest, ServerReflectionResponse> call,
        CancellationToken cancellationToken)
    {
        private readonly Dictionary<string, FileDescriptorProto> files = [];

        public async Task<IReadOnlyList<string>> ListServicesAsync()
        {
            var response = await AskAsync(new ServerReflectionRequest { ListServices = "" });
            return [.. response.ListServicesResponse.Service.Select(service => service.Name)];
        }

        /// <summary>Returns the file that defines <paramref name="symbol"/> (servers send its imports too).</summary>
        public async Task<FileDescriptorProto> FileContainingAsync(string symbol)
        {
            var response = await AskAsync(new ServerReflectionRequest { FileContainingSymbol = symbol });
            Assert.True(
                response.MessageResponseCase == ServerReflectionResponse.MessageResponseOneofCase.FileDescriptorResponse,
                $"file_containing_symbol {symbol}: {response.ErrorResponse?.ErrorMessage}");
            var sent = response.FileDescriptorResponse.FileDescriptorProto.Select(FileDescriptorProto.Parser.ParseFrom).ToList();
            Assert.NotEmpty(sent);
            sent.ForEach(file => files[file.Name] = file);
            return sent[0];
        }

        public bool DefinesMessage(string fullName) => files.Values.Any(file =>
            file.MessageType.Any(message => $"{file.Package}.{message.Name}" == fullName));

        private async Task<ServerReflectionResponse> AskAsync(ServerReflectionRequest request)
        {
            await call.RequestStream.WriteAsync(request, cancellationToken);
            Assert.True(await call.ResponseStream.MoveNext(cancellationToken), "the reflection stream ended early");
            return call.ResponseStream.Current;
        }
    }
}
