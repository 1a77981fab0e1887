using Grpc.Core;
using Grpc.Core.Interceptors;
using Mesh.ServiceDefaults.Clients;

namespace Mesh.ServiceDefaults.Tests;

public class CallDefaultsInterceptorTests
{
    private static readonly Method<string, string> Method = new(
        MethodType.Unary, "svc", "m",
        Marshallers.Create(s => System.Text.Encoding.UTF8.GetBytes(s), b => System.Text.Encoding.UTF8.GetString(b)),
        Marshallers.Create(s => System.Text.Encoding.UTF8.GetBytes(s), b => System.Text.Encoding.UTF8.GetString(b)));

    [Fact]
    public void AsyncUnaryCall_NoDeadline_GetsTheDefault()
    {
        var now = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var interceptor = new CallDefaultsInterceptor(TimeSpan.FromSeconds(5), new FixedTime(now));

        var seen = Capture(interceptor, new CallOptions());

        Assert.Equal(now.UtcDateTime.AddSeconds(5), seen);
    }

    [Fact]
    public void AsyncUnaryCall_ExistingDeadline_IsKept()
    {
        var interceptor = new CallDefaultsInterceptor(TimeSpan.FromSeconds(5), TimeProvider.System);
        var mine = DateTime.UtcNow.AddMilliseconds(250);

        var seen = Capture(interceptor, new CallOptions(deadline: mine));

        Assert.Equal(mine, seen);
    }

    [Fact]
    public void AsyncUnaryCall_WaitsForReady_BecauseItsDeadlineBoundsTheWait()
    {
        var interceptor = new CallDefaultsInterceptor(TimeSpan.FromSeconds(5), TimeProvider.System);

        Assert.True(CaptureOptions(interceptor, new CallOptions()).IsWaitForReady);
    }

    [Fact]
    public void AsyncServerStreamingCall_KeepsFailingFast_AndHasNoDeadline()
    {
        var interceptor = new CallDefaultsInterceptor(TimeSpan.FromSeconds(5), TimeProvider.System);
        CallOptions? seen = null;
        interceptor.AsyncServerStreamingCall("req", new ClientInterceptorContext<string, string>(Method, null, new CallOptions()), (_, context) =>
        {
            seen = context.Options;
            return null!;
        });

        Assert.False(seen!.Value.IsWaitForReady);
        Assert.Null(seen.Value.Deadline);
    }

    private static DateTime? Capture(Interceptor interceptor, CallOptions options) => CaptureOptions(interceptor, options).Deadline;

    private static CallOptions CaptureOptions(Interceptor interceptor, CallOptions options)
    {
        CallOptions seen = default;
        interceptor.AsyncUnaryCall("req", new ClientInterceptorContext<string, string>(Method, null, options), (_, context) =>
        {
            seen = context.Options;
            return new AsyncUnaryCall<string>(Task.FromResult("ok"), Task.FromResult(new Metadata()), () => Status.DefaultSuccess, () => [], () => { });
        });
        return seen;
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
