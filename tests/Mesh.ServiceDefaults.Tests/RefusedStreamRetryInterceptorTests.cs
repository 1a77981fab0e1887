using System.Net.Http;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Mesh.ServiceDefaults.Clients;

namespace Mesh.ServiceDefaults.Tests;

/// <summary>
/// Which failures an in-mesh client sends again: only those that say the server never ran the
/// call because its connection was closing, only for idempotent methods, a bounded number of times.
/// </summary>
public class RefusedStreamRetryInterceptorTests
{
    private static readonly Method<string, string> Idempotent = NewMethod("GetUser");
    private static readonly Method<string, string> Other = NewMethod("Check");

    public static TheoryData<string> RefusedFailures => new() { "goaway", "handshake", "incomplete" };

    [Theory]
    [MemberData(nameof(RefusedFailures))]
    public async Task IdempotentCall_RefusedByAClosingConnection_IsSentAgainAndSucceeds(string failure)
    {
        var attempts = 0;
        var call = Interceptor().AsyncUnaryCall("req", Context(Idempotent), (_, _) => ++attempts == 1 ? Failed(Refused(failure)) : Succeeded("ok"));

        Assert.Equal("ok", await call.ResponseAsync);
        Assert.Equal(2, attempts);
        Assert.Equal("ok", (await call.ResponseHeadersAsync).GetValue("attempt"));
    }

    [Fact]
    public async Task MethodNotDeclaredIdempotent_IsNeverSentAgain()
    {
        var attempts = 0;
        var call = Interceptor().AsyncUnaryCall("req", Context(Other), (_, _) => { attempts++; return Failed(Refused("goaway")); });

        await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);
        Assert.Equal(1, attempts);
    }

    [Fact]
    public async Task OtherInternalFailure_IsNotSentAgain()
    {
        var attempts = 0;
        var call = Interceptor().AsyncUnaryCall("req", Context(Idempotent), (_, _) => { attempts++; return Failed(new RpcException(new Status(StatusCode.Internal, "a bug on the server"))); });

        var failure = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);
        Assert.Equal("a bug on the server", failure.Status.Detail);
        Assert.Equal(1, attempts);
    }

    [Fact]
    public async Task RefusedEveryTime_GivesUpAfterThreeResends_WithTheLastFailure()
    {
        var attempts = 0;
        var call = Interceptor().AsyncUnaryCall("req", Context(Idempotent), (_, _) => { attempts++; return Failed(Refused("incomplete")); });

        var failure = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);
        Assert.Equal(StatusCode.Internal, failure.StatusCode);
        Assert.Equal(4, attempts);
    }

    [Fact]
    public async Task CancelledCall_IsNotSentAgain()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        var attempts = 0;
        var context = new ClientInterceptorContext<string, string>(Idempotent, null, new CallOptions(cancellationToken: cancelled.Token));
        var call = Interceptor().AsyncUnaryCall("req", context, (_, _) => { attempts++; return Failed(Refused("goaway")); });

        await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);
        Assert.Equal(1, attempts);
    }

    private static RefusedStreamRetryInterceptor Interceptor() => new(new HashSet<string> { Idempotent.FullName });

    private static ClientInterceptorContext<string, string> Context(Method<string, string> method) => new(method, null, new CallOptions());

    private static RpcException Refused(string failure) => failure switch
    {
        "goaway" => new RpcException(new Status(StatusCode.Internal, "Error starting gRPC call.",
            new HttpRequestException(HttpRequestError.HttpProtocolError, "The HTTP/2 server closed the connection.", new HttpProtocolException(0, "NO_ERROR", null)))),
        "handshake" => new RpcException(new Status(StatusCode.Internal, "Error starting gRPC call.",
            new HttpRequestException(HttpRequestError.HttpProtocolError, "The server did not complete the HTTP/2 handshake."))),
        _ => new RpcException(new Status(StatusCode.Internal, "Incomplete message.")),
    };

    private static AsyncUnaryCall<string> Failed(RpcException exception) =>
        new(Task.FromException<string>(exception), Task.FromResult(new Metadata()), () => exception.Status, () => [], () => { });

    private static AsyncUnaryCall<string> Succeeded(string reply) =>
        new(Task.FromResult(reply), Task.FromResult(new Metadata { { "attempt", reply } }), () => Status.DefaultSuccess, () => [], () => { });

    private static Method<string, string> NewMethod(string name) => new(
        MethodType.Unary, "mesh.test.v1.Probe", name,
        Marshallers.Create(s => System.Text.Encoding.UTF8.GetBytes(s), b => System.Text.Encoding.UTF8.GetString(b)),
        Marshallers.Create(s => System.Text.Encoding.UTF8.GetBytes(s), b => System.Text.Encoding.UTF8.GetString(b)));
}
