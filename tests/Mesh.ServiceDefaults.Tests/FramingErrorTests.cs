using System.Net;
using Google.Protobuf;
using Google.Rpc;
using Grpc.Core;
using Grpc.Health.V1;
using Mesh.ServiceDefaults.Hosting;
using Mesh.Testing;
using Mesh.Users.V1;
using Microsoft.Extensions.Logging;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace Mesh.ServiceDefaults.Tests;

/// <summary>
/// Requests whose gRPC framing is broken, sent as raw HTTP/2 bodies to real Kestrel: the status
/// the gRPC protocol prescribes, an ErrorInfo PROTOCOL_ERROR, no warning or error in the log,
/// and the service still SERVING.
/// </summary>
public sealed class FramingErrorTests
{
    private const string CreateUser = "/mesh.users.v1.UserService/CreateUser";

    private static readonly byte[] Message = new CreateUserRequest { RequestId = Guid.NewGuid().ToString(), DisplayName = "Ada" }.ToByteArray();

    public static TheoryData<string, byte[], string?, StatusCode> BrokenFrames() => new()
    {
        { "compressed flag without grpc-encoding", RawGrpc.Frame(Message, compressed: true), null, StatusCode.Internal },
        { "compressed flag with identity encoding", RawGrpc.Frame(Message, compressed: true), "identity", StatusCode.Internal },
        { "a second message in a unary call", [.. RawGrpc.Frame(Message), .. RawGrpc.Frame(Message)], null, StatusCode.Internal },
        { "a frame shorter than its length prefix", RawGrpc.Frame(Message, declaredLength: Message.Length + 10), null, StatusCode.Internal },
        { "half a frame header", [0x00, 0x00, 0x00], null, StatusCode.Internal },
        { "an encoding the server does not support", RawGrpc.Frame(Message, compressed: true), "snappy", StatusCode.Unimplemented },
    };

    [Theory]
    [MemberData(nameof(BrokenFrames))]
    public async Task Post_BrokenFraming_ProtocolStatusWithErrorInfo(string what, byte[] body, string? encoding, StatusCode expected)
    {
        await using var host = await ProbeHost.StartAsync(overLoopback: true);
        using var client = RawGrpc.CreateHttp2Client(host.LoopbackAddress!);

        var response = encoding is null
            ? await RawGrpc.PostAsync(client, CreateUser, body)
            : await RawGrpc.PostAsync(client, CreateUser, body, ("grpc-encoding", encoding));

        Assert.Equal(HttpStatusCode.OK, response.HttpStatus);
        Assert.True(response.GrpcStatus == expected, $"{what}: {response.GrpcStatus} {response.GrpcMessage}");
        var info = response.Details?.Details.Select(detail => detail.Unpack<ErrorInfo>()).FirstOrDefault(detail => detail is not null);
        Assert.NotNull(info);
        Assert.Equal("PROTOCOL_ERROR", info.Reason);
        Assert.Equal("mesh.dev", info.Domain);
        await AssertStillServingQuietlyAsync(host);
    }

    [Fact]
    public async Task Post_CorruptGzipBody_MalformedRequestAndStillServing()
    {
        await using var host = await ProbeHost.StartAsync(overLoopback: true);
        using var client = RawGrpc.CreateHttp2Client(host.LoopbackAddress!);

        var response = await RawGrpc.PostAsync(client, CreateUser, RawGrpc.Frame([0x1F, 0x8B, 0x08, 0x00, 0xDE, 0xAD]), ("grpc-encoding", "gzip"));

        // What gzip yields from a corrupt stream is not a message: the same answer as any other bad body.
        Assert.Equal(StatusCode.InvalidArgument, response.GrpcStatus);
        var info = response.Details?.Details.Select(detail => detail.Unpack<ErrorInfo>()).FirstOrDefault(detail => detail is not null);
        Assert.Equal("MALFORMED_REQUEST", info?.Reason);
        await AssertStillServingQuietlyAsync(host);
    }

    [Fact]
    public async Task Post_HeadersOverTheLimit_431AndStillServing()
    {
        await using var host = await ProbeHost.StartAsync(overLoopback: true);
        var big = new string('h', KestrelLimits.MaxRequestHeadersTotalSize / 4);

        // nghttp (Debian nghttp2-client) sends what it is told: .NET's client would refuse on its own
        // once it has read the server's SETTINGS_MAX_HEADER_LIST_SIZE.
        var over = await NghttpStatusAsync(host.LoopbackAddress!, big, big, big, big, big);
        var under = await NghttpStatusAsync(host.LoopbackAddress!, big);

        Assert.Equal("431", over);
        Assert.Equal("200", under);
        await AssertStillServingQuietlyAsync(host);
    }

    private static async Task<string> NghttpStatusAsync(Uri address, params string[] headerValues)
    {
        var start = new System.Diagnostics.ProcessStartInfo("nghttp") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "-v", "-H", ":method: POST", "-H", "content-type: application/grpc", "-H", "te: trailers" })
        {
            start.ArgumentList.Add(argument);
        }

        for (var index = 0; index < headerValues.Length; index++)
        {
            start.ArgumentList.Add("-H");
            start.ArgumentList.Add($"x-filler-{index}: {headerValues[index]}");
        }

        start.ArgumentList.Add(new Uri(address, CreateUser).ToString());
        using var process = System.Diagnostics.Process.Start(start)
            ?? throw new InvalidOperationException("nghttp did not start (apt-get install nghttp2-client)");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var output = await process.StandardOutput.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        var status = System.Text.RegularExpressions.Regex.Match(output, @"recv \(stream_id=\d+\) :status: (\d+)");
        Assert.True(status.Success, $"nghttp printed no :status line:\n{output}");
        return status.Groups[1].Value;
    }

    private static async Task AssertStillServingQuietlyAsync(ProbeHost host)
    {
        var health = await new Grpc.Health.V1.Health.HealthClient(host.Channel).CheckAsync(new HealthCheckRequest());
        Assert.Equal(ServingStatus.Serving, health.Status);
        Assert.Empty(host.Logs.AtLeast(LogLevel.Warning));
    }
}
