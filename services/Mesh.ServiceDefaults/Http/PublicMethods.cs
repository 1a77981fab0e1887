using System.Collections.Frozen;
using Microsoft.AspNetCore.Grpc.JsonTranscoding;
using Microsoft.AspNetCore.Routing;

namespace Mesh.ServiceDefaults.Http;

/// <summary>
/// The gRPC methods published to the outside: exactly those JSON transcoding bound, i.e. whose
/// proto gives them a <c>google.api.http</c> rule. The contract decides, not a list in code.
/// </summary>
public sealed class PublicMethods(EndpointDataSource endpoints)
{
    private readonly Lazy<FrozenSet<string>> _names = new(() => endpoints.Endpoints
        .Select(endpoint => endpoint.Metadata.GetMetadata<GrpcJsonTranscodingMetadata>())
        .OfType<GrpcJsonTranscodingMetadata>()
        .Select(metadata => $"/{metadata.MethodDescriptor.Service.FullName}/{metadata.MethodDescriptor.Name}")
        .ToFrozenSet(StringComparer.Ordinal));

    /// <summary>Whether <paramref name="fullName"/> (<c>/package.Service/Method</c>) has an HTTP binding.</summary>
    public bool Contains(string fullName) => _names.Value.Contains(fullName);
}
