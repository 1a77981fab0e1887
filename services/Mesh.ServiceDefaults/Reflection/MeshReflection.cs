using Grpc.AspNetCore.Server;
using Grpc.Reflection;
using Mesh.Contracts;
using Microsoft.AspNetCore.Routing;

namespace Mesh.ServiceDefaults.Reflection;

/// <summary>
/// Builds server reflection (v1 and v1alpha) for the gRPC services this process maps, from
/// the descriptor set with source info, so `grpcurl describe` shows the protos' comments.
/// </summary>
public static class MeshReflection
{
    public static IReadOnlyList<string> MappedServiceNames(EndpointDataSource endpoints) =>
        endpoints.Endpoints
            .Select(endpoint => endpoint.Metadata.GetMetadata<GrpcMethodMetadata>()?.Method.ServiceName)
            .OfType<string>()
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList();

    public static SymbolRegistry BuildRegistry() =>
        SymbolRegistry.FromFiles(MeshDescriptors.Files.Concat(
        [
            Grpc.Health.V1.HealthReflection.Descriptor,
            Grpc.Reflection.V1.ReflectionReflection.Descriptor,
            Grpc.Reflection.V1Alpha.ReflectionReflection.Descriptor,
        ]).DistinctBy(file => file.Name));

    public static ReflectionServiceImpl CreateV1Alpha(EndpointDataSource endpoints) =>
        new(MappedServiceNames(endpoints), BuildRegistry());

    public static ReflectionV1ServiceImpl CreateV1(EndpointDataSource endpoints) =>
        new(MappedServiceNames(endpoints), BuildRegistry());
}
