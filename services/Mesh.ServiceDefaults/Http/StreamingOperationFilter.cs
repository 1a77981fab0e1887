using Microsoft.AspNetCore.Grpc.JsonTranscoding;
using Microsoft.OpenApi.Models;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace Mesh.ServiceDefaults.Http;

/// <summary>
/// Says in the OpenAPI document what a server-streaming method's response is over REST: not one
/// JSON object but newline-delimited JSON, one message per line, written as events happen — the
/// schema alone would describe a single object.
/// </summary>
public sealed class StreamingOperationFilter : IOperationFilter
{
    public const string Note =
        "Server streaming: the response is newline-delimited JSON (one message per line, flushed as it happens) " +
        "that stays open until the client closes it; follow it with `curl -N`.";

    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        ArgumentNullException.ThrowIfNull(operation);
        ArgumentNullException.ThrowIfNull(context);
        var transcoding = context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<GrpcJsonTranscodingMetadata>().FirstOrDefault();
        if (transcoding?.MethodDescriptor.IsServerStreaming != true)
        {
            return;
        }

        operation.Description = string.IsNullOrEmpty(operation.Description) ? Note : $"{operation.Description}\n\n{Note}";
    }
}
