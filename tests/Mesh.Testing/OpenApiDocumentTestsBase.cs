using Xunit;

namespace Mesh.Testing;

/// <summary>
/// A service's OpenAPI document: built from the protos, and the checked-in copy in step with it.
/// Each service's test project derives one class, named OpenApiDocumentTests (the regenerate
/// command filters on it).
/// </summary>
/// <typeparam name="TEntryPoint">Any type from the service's assembly.</typeparam>
public abstract class OpenApiDocumentTestsBase<TEntryPoint>(string service, string grpcServiceName) : IDisposable
    where TEntryPoint : class
{
    private readonly MeshServiceFactory<TEntryPoint> _host = new();

    [Fact]
    public async Task Document_HasAnOperationPerHttpBindingWithTheProtoCommentAndNothingElse()
    {
        OpenApiDocuments.AssertDescribesTheProto(await OpenApiDocuments.FetchAsync(_host.CreateClient()), grpcServiceName);
    }

    [Fact]
    public async Task CheckedInDocument_MatchesWhatTheServiceServes()
    {
        OpenApiDocuments.AssertMatchesCheckedIn(await OpenApiDocuments.FetchAsync(_host.CreateClient()), service);
    }

    public void Dispose()
    {
        _host.Dispose();
        GC.SuppressFinalize(this);
    }
}
