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

        return status.ToRpcException();
    }

    // ErrorInfo.reason is UPPER_SNAKE_CASE by convention: the enum value name without its prefix.
    private static string ReasonName(ErrorReason reason) =>
        ErrorReasonReflection.Descriptor.EnumTypes[0].FindValueByNumber((int)reason).Name["ERROR_REASON_".Length..];

    private static string ToPascal(string upperSnake) =>
        string.Concat(upperSnake.Split('_', StringSplitOptions.RemoveEmptyEntries)
            .Select(part => char.ToUpperInvariant(part[0]) + part[1..].ToLowerInvariant()));
}
