using System.Diagnostics.Metrics;
using Google.Protobuf;
using Google.Rpc;
using Grpc.Core;
using Grpc.Health.V1;
using Mesh.ServiceDefaults.Hosting;
using Mesh.ServiceDefaults.Rejections;
using Mesh.ServiceDefaults.Telemetry;
using Mesh.Testing;
using Mesh.Users.V1;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace Mesh.ServiceDefaults.Tests;

/// <summary>
/// Request bytes that do not parse, over real Kestrel on loopback: INVALID_ARGUMENT with
/// ErrorInfo MALFORMED_REQUEST, counted per method and reason, and no error-level log.
/// </summary>
public sealed class MalformedRequestTests
{
    private const string CreateUser = "/mesh.users.v1.UserService/CreateUser";

    /// <summary>Bytes Google.Protobuf refuses to parse as a CreateUserRequest, by what is wrong with them.</summary>
    public static TheoryData<string, byte[]> MalformedBodies()
    {
        var valid = new CreateUserRequest { RequestId = Guid.NewGuid().ToString(), Email = "ada@example.com", DisplayName = "Ada" }.ToByteArray();
        return new TheoryData<string, byte[]>
        {
            { "truncated", valid[..^3] },
            { "length past the end", [0x0A, 0x7F, (byte)'a', (byte)'b'] },
            { "eleven-byte varint", [0x20, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01] },
            { "invalid wire type", [0x0F, 0x01] },
            { "tag zero", [0x00, 0x01] },
            { "end group without start", [0x0C] },
            { "invalid UTF-8 in a string", [0x1A, 0x02, 0xC3, 0x28] },
            { "groups nested past the recursion limit", [.. Enumerable.Repeat((byte)0x2B, 200)] },
            { "negative length", [0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F] },
        };
    }

    [Theory]
    [MemberData(nameof(MalformedBodies))]
    public async Task Call_MalformedBody_InvalidArgumentNamingTheMessageType(string what, byte[] body)
    {
        await using var host = await ProbeHost.StartAsync(overLoopback: true);

        var status = await RawGrpc.CallAsync(host.Channel.CreateCallInvoker(), CreateUser, serverStreaming: false, body, TimeSpan.FromSeconds(10));

        Assert.True(status.StatusCode == StatusCode.InvalidArgument, $"{what}: {status.StatusCode} {status.Detail}");
        Assert.StartsWith("the request body is not a valid mesh.users.v1.CreateUserRequest", status.Detail);
        var info = Details(status).GetDetail<ErrorInfo>();
        Assert.NotNull(info);
        Assert.Equal("MALFORMED_REQUEST", info.Reason);
        Assert.Equal("mesh.dev", info.Domain);
        Assert.Equal("mesh.users.v1.CreateUserRequest", info.Metadata["message_type"]);
    }

    [Fact]
    public async Task Call_WellFormedBody_ReachesTheHandler()
    {
        await using var host = await ProbeHost.StartAsync(overLoopback: true);
        var body = new CreateUserRequest { RequestId = Guid.NewGuid().ToString(), DisplayName = "Ada" }.ToByteArray();

        var status = await RawGrpc.CallAsync(host.Channel.CreateCallInvoker(), CreateUser, serverStreaming: false, body, TimeSpan.FromSeconds(10));

        Assert.Equal(StatusCode.OK, status.StatusCode);
    }

    [Fact]
    public async Task Call_ThousandMalformedBodies_NoErrorLoggedOneEntryPerWindowAllCounted()
    {
        await using var host = await ProbeHost.StartAsync(overLoopback: true);
        using var rejected = new MetricWatch(host.App.Services.GetRequiredService<IMeterFactory>(), RpcMetrics.MeterName, "mesh.rpc.server.rejected_requests");
        using var durations = new MetricWatch(host.App.Services.GetRequiredService<IMeterFactory>(), RpcMetrics.MeterName, "rpc.server.duration");
        var invoker = host.Channel.CreateCallInvoker();
        var started = DateTime.UtcNow;

        var statuses = await Task.WhenAll(Enumerable.Range(0, 1000).Select(index =>
            RawGrpc.CallAsync(invoker, CreateUser, serverStreaming: false, [0x0A, (byte)(0x10 + (index % 64)), 0x01], TimeSpan.FromSeconds(30))));
        var elapsed = DateTime.UtcNow - started;

        Assert.All(statuses, status => Assert.Equal(StatusCode.InvalidArgument, status.StatusCode));
        Assert.Empty(host.Logs.AtLeast(LogLevel.Warning));
        Assert.DoesNotContain(host.Logs.Entries, entry => entry.Category == MeshDefaults.GrpcCallHandlerCategory);
        var logged = host.Logs.Entries.Where(entry => entry.Category == typeof(RejectionLog).FullName && entry.Level == LogLevel.Information).ToList();
        Assert.InRange(logged.Count, 1, 2 + (int)(elapsed / RejectionLog.Window));
        Assert.All(logged, entry => Assert.Null(entry.Exception));
        Assert.Contains("/mesh.users.v1.UserService/CreateUser", logged[0].Message);
        Assert.Contains("127.0.0.1", logged[0].Message);
        Assert.Equal(1000, rejected.Total("error.type", "MALFORMED_REQUEST"));
        Assert.Equal(1000, durations.Count("rpc.grpc.status_code", (int)StatusCode.InvalidArgument));
        var health = await new Grpc.Health.V1.Health.HealthClient(host.Channel).CheckAsync(new HealthCheckRequest());
        Assert.Equal(ServingStatus.Serving, health.Status);
    }

    [Fact]
    public async Task Call_ManyValidationFailures_LoggedOncePerWindowWithoutStackTraces()
    {
        await using var host = await ProbeHost.StartAsync(overLoopback: true);
        var client = new UserService.UserServiceClient(host.Channel);
        var started = DateTime.UtcNow;

        for (var index = 0; index < 300; index++)
        {
            await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => client.CreateUserAsync(new CreateUserRequest { RequestId = "not-a-uuid" }).ResponseAsync);
        }

        var elapsed = DateTime.UtcNow - started;
        var logged = host.Logs.Entries.Where(entry => entry.Category == typeof(RejectionLog).FullName && entry.Level == LogLevel.Information).ToList();
        Assert.InRange(logged.Count, 1, 2 + (int)(elapsed / RejectionLog.Window));
        Assert.Contains("InvalidArgument", logged[0].Message);
        Assert.Contains("request_id", logged[0].Message);
        Assert.Empty(host.Logs.AtLeast(LogLevel.Warning));
    }

    [Fact]
    public async Task Call_HandlerBug_StillLogsAnError()
    {
        await using var host = await ProbeHost.StartAsync(overLoopback: true);

        await RpcAssert.FailsAsync(StatusCode.Internal, () => new UserService.UserServiceClient(host.Channel)
            .GetUserAsync(new GetUserRequest { UserId = "bug" }).ResponseAsync);

        Assert.Single(host.Logs.AtLeast(LogLevel.Error));
    }

    [Fact]
    public async Task Call_MessageOverTheLimit_ResourceExhaustedWithTheLimitInErrorInfo()
    {
        await using var host = await ProbeHost.StartAsync(overLoopback: true);
        var body = new CreateUserRequest { DisplayName = new string('x', MeshDefaults.MaxReceiveMessageSize) }.ToByteArray();

        var status = await RawGrpc.CallAsync(host.Channel.CreateCallInvoker(), CreateUser, serverStreaming: false, body, TimeSpan.FromSeconds(10));

        Assert.Equal(StatusCode.ResourceExhausted, status.StatusCode);
        var info = Details(status).GetDetail<ErrorInfo>();
        Assert.NotNull(info);
        Assert.Equal("MESSAGE_TOO_LARGE", info.Reason);
        Assert.Equal("1048576", info.Metadata["max_bytes"]);
        Assert.Empty(host.Logs.AtLeast(LogLevel.Warning));
    }

    private static Google.Rpc.Status Details(Grpc.Core.Status status) =>
        Assert.IsType<RpcException>(status.DebugException).GetRpcStatus()
        ?? throw new Xunit.Sdk.XunitException($"{status.StatusCode} came without google.rpc.Status details: {status.Detail}");
}
