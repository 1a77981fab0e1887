using System.Text.Json;
using Grpc.AspNetCore.Server;
using Mesh.Common.V1;
using Mesh.ServiceDefaults.Errors;
using Mesh.ServiceDefaults.Validation;
using Microsoft.AspNetCore.Grpc.JsonTranscoding;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Code = Google.Rpc.Code;

namespace Mesh.ServiceDefaults.Http;

/// <summary>
/// The checks in front of REST and gRPC-Web: on the public HTTP port only methods with a
/// <c>google.api.http</c> binding exist (the stock reservation methods, health and reflection
/// are for the mesh, not for browsers); a JSON body must say it is JSON and fit the limit, both
/// refused before a byte of it is read; and a refusal without a body gets a google.rpc.Status one.
/// </summary>
public sealed class PublicHttpMiddleware(RequestDelegate next, MeshListeners listeners, PublicMethods publicMethods, IOptions<MeshHttpOptions> options)
{
    private static readonly byte[] EmptyObject = "{}"u8.ToArray();

    private readonly int _maxBodyBytes = options.Value.MaxRequestBodyBytes;

    public async Task InvokeAsync(HttpContext context)
    {
        var endpoint = context.GetEndpoint();
        var transcoding = endpoint?.Metadata.GetMetadata<GrpcJsonTranscodingMetadata>();
        var grpcMethod = endpoint?.Metadata.GetMetadata<GrpcMethodMetadata>();
        var onHttpPort = listeners.IsHttpPort(context);

        if (onHttpPort && grpcMethod is not null && transcoding is null && !IsPublic(grpcMethod))
        {
            await HttpErrorBody.WriteAsync(context, StatusCodes.Status404NotFound, NoRoute(context));
            return;
        }

        if (onHttpPort && context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            // A chunked body has no Content-Length to refuse up front: Kestrel stops it at the limit.
            limit.MaxRequestBodySize = _maxBodyBytes;
        }

        if (transcoding is not null && await RefuseBodyAsync(context, transcoding))
        {
            return;
        }

        await next(context);

        if (!context.Response.HasStarted && context.Response.StatusCode >= 400 && context.Response.ContentLength is null
            && context.Response.ContentType is null && !IsGrpc(context.Request.ContentType))
        {
            await WriteBareStatusAsync(context);
        }
    }

    private async Task<bool> RefuseBodyAsync(HttpContext context, GrpcJsonTranscodingMetadata transcoding)
    {
        var request = transcoding.MethodDescriptor.InputType;
        var errors = new FieldErrors();
        foreach (var (key, values) in context.Request.Query)
        {
            JsonShapeChecker.CheckQuery(key, values, request, errors);
        }

        if (!string.IsNullOrEmpty(transcoding.HttpRule.Body) && !HasBody(context.Request))
        {
            // `curl -X POST .../orders/{id}:cancel` with no body at all means "no fields": {}.
            context.Request.ContentType = "application/json";
            context.Request.ContentLength = EmptyObject.Length;
            context.Request.Body = new MemoryStream(EmptyObject, writable: false);
        }
        else if (!string.IsNullOrEmpty(transcoding.HttpRule.Body))
        {
            if (!IsJson(context.Request.ContentType))
            {
                await HttpErrorBody.WriteAsync(context, StatusCodes.Status415UnsupportedMediaType, MeshErrors.Refusal(
                    Code.InvalidArgument,
                    context.Request.ContentType is { Length: > 0 } type
                        ? $"Content-Type '{type}' is not supported; send application/json"
                        : "the request has a body: send it as JSON with Content-Type: application/json",
                    ErrorReason.MalformedRequest,
                    new Dictionary<string, string> { ["message_type"] = request.FullName }));
                return true;
            }

            if (context.Request.ContentLength > _maxBodyBytes)
            {
                await WriteTooLargeAsync(context);
                return true;
            }

            // Buffered (the limit above bounds it) so transcoding reads the same bytes again.
            context.Request.EnableBuffering(bufferThreshold: 64 * 1024, bufferLimit: _maxBodyBytes);
            try
            {
                using var body = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
                var bodyType = transcoding.HttpRule.Body == "*" ? request : request.FindFieldByName(transcoding.HttpRule.Body).MessageType;
                JsonShapeChecker.CheckBody(body.RootElement, bodyType, errors);
            }
            catch (JsonException exception)
            {
                await HttpErrorBody.WriteAsync(context, StatusCodes.Status400BadRequest, MeshErrors.MalformedRequest(request.FullName, exception));
                return true;
            }
            catch (BadHttpRequestException exception) when (exception.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                await WriteTooLargeAsync(context);
                return true;
            }

            context.Request.Body.Position = 0;
        }

        if (!errors.IsEmpty)
        {
            await HttpErrorBody.WriteAsync(context, StatusCodes.Status400BadRequest, MeshErrors.InvalidArgument(errors.Violations));
            return true;
        }

        return false;
    }

    // A POST such as :cancel may come without a body at all; transcoding reads that as {}.
    private static bool HasBody(HttpRequest request) =>
        request.ContentLength is > 0
        || (request.ContentLength is null && request.HttpContext.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody == true);

    private Task WriteTooLargeAsync(HttpContext context)
    {
        var details = MeshErrors.MessageTooLarge($"the request body is larger than {_maxBodyBytes} bytes", _maxBodyBytes);
        // The unread body stays unread: Kestrel drains or drops it without buffering.
        return HttpErrorBody.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, details);
    }

    private Task WriteBareStatusAsync(HttpContext context)
    {
        var status = context.Response.StatusCode switch
        {
            StatusCodes.Status404NotFound => NoRoute(context),
            StatusCodes.Status405MethodNotAllowed => MeshErrors.Refusal(
                Code.Unimplemented,
                $"{context.Request.Method} is not allowed on {context.Request.Path}; allowed: {context.Response.Headers.Allow}",
                ErrorReason.MethodNotAllowed),
            StatusCodes.Status413PayloadTooLarge => MeshErrors.MessageTooLarge($"the request body is larger than {_maxBodyBytes} bytes", _maxBodyBytes),
            _ => new Google.Rpc.Status { Code = (int)Code.Unknown, Message = ReasonPhrases.GetReasonPhrase(context.Response.StatusCode) },
        };
        return HttpErrorBody.WriteAsync(context, context.Response.StatusCode, status);
    }

    private static Google.Rpc.Status NoRoute(HttpContext context) => MeshErrors.Refusal(
        Code.NotFound,
        $"no method is published at {context.Request.Method} {context.Request.Path}",
        ErrorReason.NotFound,
        new Dictionary<string, string> { ["path"] = context.Request.Path.Value ?? "/" });

    // A method is public when JSON transcoding bound it: the proto gave it a google.api.http rule.
    private bool IsPublic(GrpcMethodMetadata method) => publicMethods.Contains(method.Method.FullName);

    private static bool IsJson(string? contentType) =>
        contentType is not null
        && (contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase)
            && (contentType.Length == "application/json".Length || contentType["application/json".Length] is ';' or ' '));

    private static bool IsGrpc(string? contentType) =>
        contentType is not null && contentType.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase);
}
