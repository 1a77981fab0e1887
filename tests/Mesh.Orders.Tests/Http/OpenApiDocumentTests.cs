using Mesh.Orders.Api;
using Mesh.Testing;
using Xunit;

namespace Mesh.Orders.Tests.Http;

/// <summary>The orders service's OpenAPI document: built from the protos, and the checked-in copy in step with it.</summary>
public sealed class OpenApiDocumentTests : IDisposable
{
    private readonly MeshServiceFactory<OrderGrpcService> _host = new();

    [Fact]
    public async Task Document_HasAnOperationPerHttpBindingWithTheProtoCommentAndNothingElse()
    {
        OpenApiDocuments.AssertDescribesTheProto(await OpenApiDocuments.FetchAsync(_host.CreateClient()), "mesh.orders.v1.OrderService");
    }

    [Fact]
    public async Task CheckedInDocument_MatchesWhatTheServiceServes()
    {
        OpenApiDocuments.AssertMatchesCheckedIn(await OpenApiDocuments.FetchAsync(_host.CreateClient()), "orders");
    }

    public void Dispose() => _host.Dispose();
}
