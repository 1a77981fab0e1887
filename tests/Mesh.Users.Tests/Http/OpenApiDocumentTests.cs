using Mesh.Users.Api;
using Mesh.Testing;
using Xunit;

namespace Mesh.Users.Tests.Http;

/// <summary>The users service's OpenAPI document: built from the protos, and the checked-in copy in step with it.</summary>
public sealed class OpenApiDocumentTests : IDisposable
{
    private readonly MeshServiceFactory<UserGrpcService> _host = new();

    [Fact]
    public async Task Document_HasAnOperationPerHttpBindingWithTheProtoCommentAndNothingElse()
    {
        OpenApiDocuments.AssertDescribesTheProto(await OpenApiDocuments.FetchAsync(_host.CreateClient()), "mesh.users.v1.UserService");
    }

    [Fact]
    public async Task CheckedInDocument_MatchesWhatTheServiceServes()
    {
        OpenApiDocuments.AssertMatchesCheckedIn(await OpenApiDocuments.FetchAsync(_host.CreateClient()), "users");
    }

    public void Dispose() => _host.Dispose();
}
