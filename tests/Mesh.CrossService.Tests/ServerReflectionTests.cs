using Google.Api;
using Google.Protobuf;
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

    // Reads the google.api.http and mesh.auth.v1.access options of a method, as grpcurl's describe shows them.
    private static readonly MessageParser<FileDescriptorProto> FileParser =
        FileDescriptorProto.Parser.WithExtensionRegistry(new ExtensionRegistry { AnnotationsExtensions.Http, Mesh.Auth.V1.AccessExtensions.Access });

    /// <summary>Each service with one of its methods, the start of that method's proto comment, and its REST binding.</summary>
    public static TheoryData<MeshService, string, string, string> ServicesWithDocumentedMethod() => new()
    {
        { MeshService.Users, "CreateUser", "Creates a user.", "POST /v1/users" },
        { MeshService.Inventory, "CreateItem", "Adds an item to the catalog.", "POST /v1/items" },
        { MeshService.Orders, "PlaceOrder", "Places an order.", "POST /v1/orders" },
    };

    [Theory]
    [MemberData(nameof(ServicesWithDocumentedMethod))]
    public async Task ServerReflectionInfo_EachService_ResolvesEveryMethodAndShowsCommentsAndRestBindings(
        MeshService service, string method, string comment, string binding)
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
        var rule = meshFile.Service[serviceIndex].Method[methodIndex].Options?.GetExtension(AnnotationsExtensions.Http);
        Assert.True(rule is not null, $"{method} came without its google.api.http option");
        Assert.Equal(binding, $"{rule.PatternCase.ToString().ToUpperInvariant()} {rule.Post}{rule.Get}");
        // Who may call travels with the contract: every method's access rule is served too.
        Assert.All(meshFile.Service[serviceIndex].Method, declared => Assert.NotNull(declared.Options?.GetExtension(Mesh.Auth.V1.AccessExtensions.Access)));
        Assert.Equal("*", rule.Body);
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
            var sent = response.FileDescriptorResponse.FileDescriptorProto.Select(FileParser.ParseFrom).ToList();
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
