using System.Diagnostics;
using Mesh.ServiceDefaults.Telemetry;
using Mesh.Testing.Telemetry;
using Xunit;

namespace Mesh.ServiceDefaults.Tests.Telemetry;

/// <summary>
/// The span a consumer opens for a batch of events: a child of the events' trace when they all
/// come from one, links to every event's context, and an unusable context never stops the batch.
/// </summary>
public sealed class EventTraceTests : IDisposable
{
    private readonly SpanRecorder _spans = new(MeshTelemetry.ActivitySourceName);

    public void Dispose() => _spans.Dispose();

    [Fact]
    public void Current_InsideAnActivity_IsItsTraceparent_OutsideEmpty()
    {
        Assert.Null(Activity.Current);
        Assert.Equal(string.Empty, EventTrace.Current());

        using var call = new Activity("call").SetIdFormat(ActivityIdFormat.W3C).Start();
        Assert.Equal($"00-{call.TraceId}-{call.SpanId}-00", EventTrace.Current());
    }

    [Fact]
    public void StartProcessing_EventsOfOneTrace_IsAChildOfTheFirstAndLinksToEach()
    {
        var trace = ActivityTraceId.CreateRandom();
        var (first, second) = (ActivitySpanId.CreateRandom(), ActivitySpanId.CreateRandom());

        using var span = EventTrace.StartProcessing("process orders events", "mesh.feed", "orders",
            [Parent(trace, first), Parent(trace, second), Parent(trace, first)]);

        Assert.NotNull(span);
        Assert.Equal(ActivityKind.Consumer, span.Kind);
        Assert.Equal("process orders events", span.DisplayName);
        Assert.Equal(trace, span.TraceId);
        Assert.Equal(first, span.ParentSpanId);
        Assert.Equal([first, second], span.Links.Select(link => link.Context.SpanId));
        Assert.Equal("mesh.feed", span.GetTagItem("messaging.system"));
        Assert.Equal("process", span.GetTagItem("messaging.operation.type"));
        Assert.Equal("orders", span.GetTagItem("messaging.destination.name"));
        Assert.Equal(3, span.GetTagItem("messaging.batch.message_count"));
    }

    [Fact]
    public void StartProcessing_EventsOfTwoTraces_StartsATraceOfItsOwnLinkedToBoth()
    {
        var (one, other) = (ActivityTraceId.CreateRandom(), ActivityTraceId.CreateRandom());

        using var span = EventTrace.StartProcessing("process inventory events", "mesh.feed", "inventory",
            [Parent(one, ActivitySpanId.CreateRandom()), Parent(other, ActivitySpanId.CreateRandom())]);

        Assert.NotNull(span);
        Assert.NotEqual(one, span.TraceId);
        Assert.NotEqual(other, span.TraceId);
        Assert.Equal(default, span.ParentSpanId);
        Assert.Equal([one, other], span.Links.Select(link => link.Context.TraceId));
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("garbage")]
    [InlineData("00-00000000000000000000000000000000-0000000000000000-01")]
    [InlineData("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331")]
    public void StartProcessing_AContextThatIsMissingOrInvalid_IsPassedOver(string? traceParent)
    {
        var trace = ActivityTraceId.CreateRandom();
        var span = ActivitySpanId.CreateRandom();

        using var alone = EventTrace.StartProcessing("process q", "rabbitmq", "q", [traceParent]);
        using var withAGoodOne = EventTrace.StartProcessing("process q", "rabbitmq", "q", [traceParent, Parent(trace, span)]);

        Assert.NotNull(alone);
        Assert.Empty(alone.Links);
        Assert.Equal(default, alone.ParentSpanId);
        Assert.NotNull(withAGoodOne);
        Assert.Equal(span, withAGoodOne.ParentSpanId);
        Assert.Equal(2, withAGoodOne.GetTagItem("messaging.batch.message_count"));
    }

    [Fact]
    public void StartProcessing_MoreContextsThanTheLinkLimit_KeepsTheFirstOnes()
    {
        var parents = Enumerable.Range(0, EventTrace.MaxLinks + 10)
            .Select(_ => Parent(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom()))
            .ToList();

        using var span = EventTrace.StartProcessing("process q", "rabbitmq", "q", parents);

        Assert.NotNull(span);
        Assert.Equal(EventTrace.MaxLinks, span.Links.Count());
        Assert.Equal(parents[0], $"00-{span.Links.First().Context.TraceId}-{span.Links.First().Context.SpanId}-01");
    }

    [Fact]
    public async Task ProcessAsync_ApplyFails_TheSpanIsAnErrorWithTheException_AndTheFailureGoesOn()
    {
        var trace = ActivityTraceId.CreateRandom();

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => EventTrace.ProcessAsync<int>(
            "process q", "rabbitmq", "q", [Parent(trace, ActivitySpanId.CreateRandom())],
            () => throw new InvalidOperationException("the store is read-only")));

        var span = await _spans.WaitForAsync(s => s.TraceId == trace, "the failed batch's span");
        Assert.Equal("the store is read-only", failure.Message);
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Equal("the store is read-only", span.StatusDescription);
        Assert.Contains(span.Events, e => e.Name == "exception");
    }

    [Fact]
    public async Task ProcessAsync_ApplySucceeds_ReturnsItsResultFromInsideTheSpan()
    {
        var trace = ActivityTraceId.CreateRandom();
        Activity? during = null;

        var result = await EventTrace.ProcessAsync("process q", "rabbitmq", "q", [Parent(trace, ActivitySpanId.CreateRandom())], () =>
        {
            during = Activity.Current;
            return Task.FromResult(42);
        });

        Assert.Equal(42, result);
        Assert.NotNull(during);
        Assert.Equal(trace, during.TraceId);
        Assert.Equal(ActivityStatusCode.Unset, during.Status);
    }

    private static string Parent(ActivityTraceId trace, ActivitySpanId span) => $"00-{trace}-{span}-01";
}
