using Mesh.Inventory.Api;
using Mesh.Testing;
using Xunit;

namespace Mesh.Inventory.Tests.Http;

/// <summary>The inventory service's OpenAPI document: built from the protos, and the checked-in copy in step with it.</summary>
public sealed class OpenApiDocumentTests : IDisposable
{
    private readonly MeshServiceFactory<InventoryGrpcService> _host = new();

    [Fact]
    public async Task Document_HasAnOperationPerHttpBindingWithTheProtoCommentAndNothingElse()
    {
        OpenApiDocuments.AssertDescribesTheProto(await OpenApiDocuments.FetchAsync(_host.CreateClient()), "mesh.inventory.v1.InventoryService");
    }

    [Fact]
    public async Task CheckedInDocument_MatchesWhatTheServiceServes()
    {
        OpenApiDocuments.AssertMatchesCheckedIn(await OpenApiDocuments.FetchAsync(_host.CreateClient()), "inventory");
    }

    public void Dispose() => _host.Dispose();
}
