using System.Reflection;
using System.Text;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core;
using Mesh.ServiceDefaults.Errors;

namespace Mesh.ServiceDefaults.Rejections;

/// <summary>
/// Wraps a method's request deserializer so that bytes which are not a valid message end the
/// call with INVALID_ARGUMENT (ErrorInfo MALFORMED_REQUEST) instead of UNKNOWN and an error log.
/// </summary>
internal static class GuardedMarshaller
{
    public static Method<TRequest, TResponse> Guard<TRequest, TResponse>(Method<TRequest, TResponse> method)
        where TRequest : class
        where TResponse : class
    {
        var messageType = MessageTypeName(typeof(TRequest));
        var inner = method.RequestMarshaller;
        var deserialize = inner.ContextualDeserializer;
        var guarded = new Marshaller<TRequest>(inner.ContextualSerializer, context =>
        {
            try
            {
                return deserialize(context);
            }
            // The parser reads only the caller's bytes: whatever it rejects is the caller's doing.
            catch (Exception exception) when (exception is InvalidProtocolBufferException or DecoderFallbackException)
            {
                throw MeshErrors.MalformedRequest(messageType, exception);
            }
        });
        return new Method<TRequest, TResponse>(method.Type, method.ServiceName, method.Name, guarded, method.ResponseMarshaller);
    }

    // The protobuf full name ("mesh.users.v1.GetUserRequest") a caller finds in the .proto files.
    private static string MessageTypeName(Type type) =>
        type.GetProperty("Descriptor", BindingFlags.Public | BindingFlags.Static)?.GetValue(null) is MessageDescriptor descriptor
            ? descriptor.FullName
            : type.Name;
}
