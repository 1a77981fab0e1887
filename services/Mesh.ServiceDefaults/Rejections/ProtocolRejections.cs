using Grpc.Core;
using Mesh.Common.V1;
using Mesh.ServiceDefaults.Errors;

namespace Mesh.ServiceDefaults.Rejections;

/// <summary>
/// Recognises the statuses a call can end with before any Mesh code saw it: our malformed-body
/// rejection, and the ones grpc-dotnet raises itself while reading the request frames. Those
/// carry no status code of their own choosing, so they are told apart by grpc-dotnet's messages.
/// </summary>
public static class ProtocolRejections
{
    /// <summary>grpc-dotnet's message for a request message over MaxReceiveMessageSize.</summary>
    public const string MessageTooLargeMessage = "Received message exceeds the maximum configured message size.";

    // The framing errors grpc-dotnet reports while reading a request (INTERNAL, as the protocol says).
    private static readonly HashSet<string> FramingMessages = new(StringComparer.Ordinal)
    {
        "Incomplete message.",
        "Additional data after the message received.",
        "Request did not include grpc-encoding value with compressed message.",
        "Request sent 'identity' grpc-encoding value with compressed message.",
    };

    private const string UnsupportedEncodingPrefix = "Unsupported grpc-encoding value";

    /// <summary>Why a call with <paramref name="status"/> was refused before a handler ran, or null.</summary>
    public static ErrorReason? Classify(Status status) => status switch
    {
        { DebugException: MalformedRequestException } => ErrorReason.MalformedRequest,
        { StatusCode: StatusCode.ResourceExhausted, Detail: MessageTooLargeMessage } => ErrorReason.MessageTooLarge,
        { StatusCode: StatusCode.Internal } when FramingMessages.Contains(status.Detail) => ErrorReason.ProtocolError,
        { StatusCode: StatusCode.Unimplemented } when status.Detail.StartsWith(UnsupportedEncodingPrefix, StringComparison.Ordinal) => ErrorReason.ProtocolError,
        _ => null,
    };
}
