using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using Grpc.Core;

namespace Mesh.Testing;

/// <summary>
/// Calls a gRPC method with bytes of the test's choosing: as the one message of a well-framed call
/// (<see cref="CallAsync"/>), or as a whole request body over plain HTTP/2 (<see cref="PostAsync"/>)
/// for framing the gRPC client would never produce.
/// </summary>
public static class RawGrpc
{
    private static readonly Marshaller<byte[]> Bytes = Marshallers.Create(static bytes => bytes, static bytes => bytes);

    /// <summary>
    /// Sends <paramref name="payload"/> as the request message of <paramref name="fullMethod"/>
    /// ("/package.Service/Method"). A server-streaming method's responses are read and dropped.
    /// Returns the call's final status.
    /// </summary>
    public static async Task<Status> CallAsync(CallInvoker invoker, string fullMethod, bool serverStreaming, byte[] payload, TimeSpan timeout)
    {
        var slash = fullMethod.LastIndexOf('/');
        var method = new Method<byte[], byte[]>(
            serverStreaming ? MethodType.ServerStreaming : MethodType.Unary,
            fullMethod[1..slash], fullMethod[(slash + 1)..], Bytes, Bytes);
        var options = new CallOptions(deadline: DateTime.UtcNow + timeout);
        try
        {
            if (serverStreaming)
            {
                using var call = invoker.AsyncServerStreamingCall(method, null, options, payload);
                while (await call.ResponseStream.MoveNext(CancellationToken.None))
                {
                }

                return call.GetStatus();
            }

            using var unary = invoker.AsyncUnaryCall(method, null, options, payload);
            await unary.ResponseAsync;
            return unary.GetStatus();
        }
        catch (RpcException exception)
        {
            return new Status(exception.StatusCode, exception.Status.Detail, exception);
        }
    }

    /// <summary>One gRPC length-prefixed frame.</summary>
    public static byte[] Frame(byte[] message, bool compressed = false, int? declaredLength = null)
    {
        var frame = new byte[5 + message.Length];
        frame[0] = compressed ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)(declaredLength ?? message.Length));
        message.CopyTo(frame, 5);
        return frame;
    }

    /// <summary>An HTTP/2 cleartext (prior knowledge) client for <see cref="PostAsync"/>.</summary>
    public static HttpClient CreateHttp2Client(Uri address) => new(new SocketsHttpHandler())
    {
        BaseAddress = address,
        Timeout = TimeSpan.FromSeconds(30),
    };

    /// <summary>POSTs <paramref name="body"/> as a gRPC request; returns the HTTP response with its trailers read.</summary>
    public static async Task<RawGrpcResponse> PostAsync(HttpClient client, string fullMethod, byte[] body, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, fullMethod)
        {
            Content = new ByteArrayContent(body),
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        request.Headers.TryAddWithoutValidation("te", "trailers");
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await client.SendAsync(request);
        await response.Content.ReadAsByteArrayAsync();
        return new RawGrpcResponse(response.StatusCode, Merge(response.Headers, response.TrailingHeaders));
    }

    // A trailers-only gRPC response carries its status in the headers.
    private static Dictionary<string, string> Merge(HttpResponseHeaders headers, HttpResponseHeaders trailers)
    {
        var merged = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in headers.Concat(trailers))
        {
            merged[name] = string.Join(",", values);
        }

        return merged;
    }
}

/// <summary>An HTTP-level view of a gRPC response.</summary>
public sealed record RawGrpcResponse(HttpStatusCode HttpStatus, IReadOnlyDictionary<string, string> Headers)
{
    public StatusCode? GrpcStatus => Headers.TryGetValue("grpc-status", out var value) ? (StatusCode)int.Parse(value, System.Globalization.CultureInfo.InvariantCulture) : null;

    public string GrpcMessage => Headers.TryGetValue("grpc-message", out var value) ? Uri.UnescapeDataString(value) : string.Empty;

    /// <summary>The google.rpc.Status in grpc-status-details-bin, or null.</summary>
    public Google.Rpc.Status? Details => Headers.TryGetValue("grpc-status-details-bin", out var value)
        ? Google.Rpc.Status.Parser.ParseFrom(Convert.FromBase64String(Pad(value)))
        : null;

    private static string Pad(string base64) => base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=');
}
