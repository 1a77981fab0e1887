using System.Text;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Rpc;
using Grpc.Core;
using Microsoft.AspNetCore.Http;

namespace Mesh.ServiceDefaults.Http;

/// <summary>
/// Writes a <c>google.rpc.Status</c> JSON body — the shape JSON transcoding gives every failed
/// call — for the refusals that happen before a call reaches gRPC (no route, wrong method, wrong
/// content type, body too large), so a REST client parses one error format.
/// </summary>
public static class HttpErrorBody
{
    /// <summary>The google.rpc detail messages Mesh sends, for JSON's <c>@type</c> resolution.</summary>
    public static TypeRegistry DetailTypes { get; } = TypeRegistry.FromMessages(
        BadRequest.Descriptor,
        ErrorInfo.Descriptor,
        PreconditionFailure.Descriptor,
        ResourceInfo.Descriptor,
        RetryInfo.Descriptor,
        DebugInfo.Descriptor,
        QuotaFailure.Descriptor,
        Help.Descriptor,
        LocalizedMessage.Descriptor,
        RequestInfo.Descriptor);

    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default.WithTypeRegistry(DetailTypes));

    public static Task WriteAsync(HttpContext context, int httpStatus, Google.Rpc.Status status)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(status);
        context.Response.StatusCode = httpStatus;
        context.Response.ContentType = "application/json; charset=utf-8";
        // Compact, as transcoding writes its errors (Google.Protobuf's formatter pads with spaces).
        var json = JsonNode.Parse(Formatter.Format(status))!.ToJsonString();
        return context.Response.WriteAsync(json, Encoding.UTF8, context.RequestAborted);
    }

    /// <summary>Writes the google.rpc.Status a Mesh RpcException carries, with <paramref name="httpStatus"/>.</summary>
    public static Task WriteAsync(HttpContext context, int httpStatus, RpcException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var status = exception.GetRpcStatus()
            ?? new Google.Rpc.Status { Code = (int)exception.StatusCode, Message = exception.Status.Detail };
        return WriteAsync(context, httpStatus, status);
    }
}
