using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Mesh.Common.V1;

namespace Mesh.ServiceDefaults.Errors;

/// <summary>
/// Builds the RpcExceptions Mesh returns: a gRPC status code as the spec means it, plus
/// google.rpc details (ErrorInfo always; BadRequest or PreconditionFailure where they apply).
/// </summary>
public static class MeshErrors
{
    /// <summary>The ErrorInfo domain of every Mesh error.</summary>
    public const string Domain = "mesh.dev";

    public static RpcException InvalidArgument(IReadOnlyCollection<BadRequest.Types.FieldViolation> violations)
    {
        ArgumentOutOfRangeException.ThrowIfZero(violations.Count);
        var badRequest = new BadRequest();
        badRequest.FieldViolations.AddRange(violations);
        var first = violations.First();
        var message = violations.Count == 1
            ? $"{first.Field}: {first.Description}"
            : $"{violations.Count} invalid fields; first {first.Field}: {first.Description}";
        return Build(Code.InvalidArgument, message, ErrorReason.InvalidField, badRequest);
    }

    public static RpcException InvalidArgument(string field, string description) =>
        InvalidArgument([new BadRequest.Types.FieldViolation { Field = field, Description = description }]);

    public static RpcException NotFound(string resourceType, string resourceName, string? field = null)
    {
        var info = new ResourceInfo { ResourceType = resourceType, ResourceName = resourceName };
        var message = $"{resourceType} '{resourceName}' was not found";
        return field is null
            ? Build(Code.NotFound, message, ErrorReason.NotFound, info)
            : Build(Code.NotFound, message, ErrorReason.NotFound, info,
                new BadRequest { FieldViolations = { new BadRequest.Types.FieldViolation { Field = field, Description = message } } });
    }

    public static RpcException AlreadyExists(string resourceType, string resourceName, string message) =>
        Build(Code.AlreadyExists, message, ErrorReason.AlreadyExists,
            new ResourceInfo { ResourceType = resourceType, ResourceName = resourceName });

    public static RpcException RequestIdReused(string field, string requestId) =>
        Build(Code.AlreadyExists,
            $"{field} '{requestId}' was already used for a different request; use a new {field}",
            ErrorReason.RequestIdReused,
            new BadRequest { FieldViolations = { new BadRequest.Types.FieldViolation { Field = field, Description = "already used for a different request" } } });

    public static RpcException FailedPrecondition(
        ErrorReason reason,
        string message,
        IEnumerable<PreconditionFailure.Types.Violation>? violations = null)
    {
        var failure = new PreconditionFailure();
        if (violations is not null)
        {
            failure.Violations.AddRange(violations);
        }

        return failure.Violations.Count == 0
            ? Build(Code.FailedPrecondition, message, reason)
            : Build(Code.FailedPrecondition, message, reason, failure);
    }

    /// <summary>ABORTED: the operation was undone part-way; the caller retries at a higher level (e.g. with a new request id).</summary>
    public static RpcException Aborted(ErrorReason reason, string message) => Build(Code.Aborted, message, reason);

    /// <summary>
    /// OUT_OF_RANGE: a position (e.g. a feed cursor) outside what exists now. <paramref name="metadata"/>
    /// goes into ErrorInfo.metadata, so a client can act on the numbers without parsing the message.
    /// </summary>
    public static RpcException OutOfRange(ErrorReason reason, string field, string message, IReadOnlyDictionary<string, string>? metadata = null) =>
        Build(Code.OutOfRange, message, reason, metadata,
            new BadRequest { FieldViolations = { new BadRequest.Types.FieldViolation { Field = field, Description = message } } });

    public static RpcException Unavailable(string dependency, string message) =>
        Build(Code.Unavailable, message, ErrorReason.DependencyUnavailable,
            new ResourceInfo { ResourceType = "service", ResourceName = dependency });

    /// <summary>UNAUTHENTICATED: no credentials, or credentials that do not validate (HTTP 401).</summary>
    public static RpcException Unauthenticated(string message) => Build(Code.Unauthenticated, message, ErrorReason.Unauthenticated);

    /// <summary>PERMISSION_DENIED: the caller is known, but <paramref name="method"/>'s rule does not admit them (HTTP 403).</summary>
    public static RpcException PermissionDenied(string method, string requires) =>
        Build(Code.PermissionDenied, $"{method} may be called by {requires}", ErrorReason.PermissionDenied,
            new Dictionary<string, string> { ["method"] = method, ["requires"] = requires });

    /// <summary>RESOURCE_EXHAUSTED: the caller is over <paramref name="policy"/>'s rate; RetryInfo says when to try again (HTTP 429).</summary>
    public static RpcException RateLimited(string policy, TimeSpan retryAfter) =>
        Build(Code.ResourceExhausted, $"too many calls: over the '{policy}' limit; retry after {retryAfter.TotalSeconds:0.###} s", ErrorReason.RateLimited,
            new Dictionary<string, string> { ["policy"] = policy },
            new RetryInfo { RetryDelay = Duration.FromTimeSpan(retryAfter) });

    /// <summary>
    /// INVALID_ARGUMENT for a request body that does not parse as <paramref name="messageType"/>.
    /// The parser's error rides along as the status's debug exception (never sent), so the
    /// server can tell this rejection from a validation failure.
    /// </summary>
    public static RpcException MalformedRequest(string messageType, Exception parseError)
    {
        var status = BuildStatus(
            Code.InvalidArgument,
            $"the request body is not a valid {messageType}: {parseError.Message}",
            ErrorReason.MalformedRequest,
            new Dictionary<string, string> { ["message_type"] = messageType });
        return new RpcException(
            new Grpc.Core.Status(StatusCode.InvalidArgument, status.Message, new MalformedRequestException(messageType, parseError)),
            new Metadata { { StatusDetailsKey, status.ToByteArray() } });
    }

    /// <summary>
    /// The google.rpc.Status a RESOURCE_EXHAUSTED rejection of an oversized request carries
    /// (grpc-dotnet raises the status itself, before any Mesh code runs).
    /// </summary>
    public static Google.Rpc.Status MessageTooLarge(string message, int maxBytes) =>
        BuildStatus(Code.ResourceExhausted, message, ErrorReason.MessageTooLarge,
            new Dictionary<string, string> { ["max_bytes"] = maxBytes.ToString(System.Globalization.CultureInfo.InvariantCulture) });

    /// <summary>The google.rpc.Status a framing error grpc-dotnet reports carries, with its own code.</summary>
    public static Google.Rpc.Status ProtocolError(StatusCode code, string message) =>
        BuildStatus((Code)(int)code, message, ErrorReason.ProtocolError, null);

    /// <summary>The google.rpc.Status of a refusal made before a call reaches gRPC (the HTTP port's checks).</summary>
    public static Google.Rpc.Status Refusal(Code code, string message, ErrorReason reason, IReadOnlyDictionary<string, string>? metadata = null) =>
        BuildStatus(code, message, reason, metadata);

    /// <summary>The trailer (or trailers-only header) that carries a google.rpc.Status.</summary>
    public const string StatusDetailsKey = "grpc-status-details-bin";

    /// <summary>The ErrorInfo.reason text of <paramref name="reason"/> (e.g. "MALFORMED_REQUEST").</summary>
    public static string ReasonName(ErrorReason reason) =>
        ErrorReasonReflection.Descriptor.EnumTypes[0].FindValueByNumber((int)reason).Name["ERROR_REASON_".Length..];

    /// <summary>Reads the ErrorInfo reason of a Mesh error, or Unspecified.</summary>
    public static ErrorReason ReasonOf(RpcException exception)
    {
        var info = exception.GetRpcStatus()?.GetDetail<ErrorInfo>();
        return info is not null && System.Enum.TryParse<ErrorReason>(ToPascal(info.Reason), out var reason)
            ? reason
            : ErrorReason.Unspecified;
    }

    private static RpcException Build(Code code, string message, ErrorReason reason, params Google.Protobuf.IMessage[] details) =>
        Build(code, message, reason, null, details);

    private static RpcException Build(
        Code code, string message, ErrorReason reason, IReadOnlyDictionary<string, string>? metadata, params Google.Protobuf.IMessage[] details) =>
        BuildStatus(code, message, reason, metadata, details).ToRpcException();

    private static Google.Rpc.Status BuildStatus(
        Code code, string message, ErrorReason reason, IReadOnlyDictionary<string, string>? metadata, params Google.Protobuf.IMessage[] details)
    {
        var status = new Google.Rpc.Status { Code = (int)code, Message = message };
        var info = new ErrorInfo { Domain = Domain, Reason = ReasonName(reason) };
        foreach (var (key, value) in metadata ?? new Dictionary<string, string>())
        {
            info.Metadata[key] = value;
        }

        status.Details.Add(Any.Pack(info));
        foreach (var detail in details)
        {
            status.Details.Add(Any.Pack(detail));
        }

        return status;
    }


    private static string ToPascal(string upperSnake) =>
        string.Concat(upperSnake.Split('_', StringSplitOptions.RemoveEmptyEntries)
            .Select(part => char.ToUpperInvariant(part[0]) + part[1..].ToLowerInvariant()));
}
