using Mesh.ServiceDefaults.Security;
using Microsoft.AspNetCore.Grpc.JsonTranscoding;
using Microsoft.OpenApi.Models;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace Mesh.ServiceDefaults.Http;

/// <summary>
/// Puts each operation's access rule — the one its proto declares — into the OpenAPI document:
/// who may call it, in words, and (with access control on) the bearer token it needs and the
/// 401/403 answers a caller can get.
/// </summary>
public sealed class AccessOperationFilter(AccessPolicy policy, bool enforced) : IOperationFilter
{
    /// <summary>The security scheme's name in the document.</summary>
    public const string SchemeName = "bearer";

    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        ArgumentNullException.ThrowIfNull(operation);
        ArgumentNullException.ThrowIfNull(context);
        var transcoding = context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<GrpcJsonTranscodingMetadata>().FirstOrDefault();
        var access = transcoding is null ? null : policy.Find($"/{transcoding.MethodDescriptor.Service.FullName}/{transcoding.MethodDescriptor.Name}");
        if (access is null)
        {
            return;
        }

        var note = $"Access: {access.Describe()}." + (enforced ? string.Empty : " (Access control is off on this server.)");
        operation.Description = string.IsNullOrEmpty(operation.Description) ? note : $"{operation.Description}\n\n{note}";
        if (!enforced)
        {
            return;
        }

        operation.Security.Add(new OpenApiSecurityRequirement
        {
            [new OpenApiSecurityScheme { Reference = new OpenApiReference { Type = ReferenceType.SecurityScheme, Id = SchemeName } }] = [],
        });
        operation.Responses.TryAdd("401", new OpenApiResponse { Description = "No bearer token, or one that does not validate (google.rpc.Status, reason UNAUTHENTICATED)." });
        operation.Responses.TryAdd("403", new OpenApiResponse { Description = "The token's holder may not call this (google.rpc.Status, reason PERMISSION_DENIED)." });
    }
}
