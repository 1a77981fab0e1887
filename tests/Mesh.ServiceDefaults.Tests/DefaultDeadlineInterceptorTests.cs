using Grpc.Core;
using Grpc.Core.Interceptors;
using Mesh.ServiceDefaults.Clients;

namespace Mesh.ServiceDefaults.Tests;

public class DefaultDeadlineInterceptorTests
{
    private static readonly Method<string, string> Method = new(
        MethodType.Unary, "svc", "m",
        Marshallers.Create(s => System.Text.Encoding.UTF8.GetBytes(s), b => System.Text.Encoding.UTF8.GetString(b)),
        Marshallers.Create(s => System.Text.Encoding.UTF8.GetBytes(s), b => System.Text.Encoding.UTF8.GetString(b)));

    [Fact]
    public void AsyncUnaryCall_NoDeadline_GetsTheDefault()
    {
        var now = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var interceptor = new DefaultDeadlineInterceptor(TimeSpan.FromSeconds(5), new FixedTime(now));

        var seen = Capture(interceptor, new CallOptions());

        Assert.Equal(now.UtcDateTime.AddSeconds(5), seen);
    }

    [Fact]
    public void AsyncUnaryCall_ExistingDeadline_IsKept()
    {
        var interceptor = new DefaultDeadlineInterceptor(TimeSpan.FromSeconds(5), TimeProvider.System);
        var mine = DateTime.UtcNow.AddMilliseconds(250);

        var seen = Capture(interceptor, new CallOptions(deadline: mine));

        Assert.Equal(mine, seen);
    }

    private static DateTime? Capture(Interceptor interceptor, CallOptions options)
    {
        DateTime? seen = null;
        interceptor.AsyncUnaryCall("req", new ClientInterceptorContext<string, string>(Method, null, options), (_, context) =>
        {
            seen = context.Options.Deadline;
            return new AsyncUnaryCall<string>(Task.FromResult("ok"), Task.FromResult(new Metadata()), () => Status.DefaultSuccess, () => [], () => { });
        });
        return seen;
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
