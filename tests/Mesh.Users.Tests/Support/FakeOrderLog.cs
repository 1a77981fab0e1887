using System.Collections.Concurrent;
using Google.Protobuf.WellKnownTypes;
using Mesh.Common.V1;
using Mesh.Orders.V1;
using Mesh.Storage;

namespace Mesh.Users.Tests.Support;

/// <summary>
/// The orders event log as <see cref="FakeOrderService"/> serves it: events in memory with
/// sequences from 1, a retention boundary tests can move, and switches for what a real
/// upstream does to a consumer (ending streams, holding pages, going silent, redelivering).
/// Every request is recorded so tests can see where the consumer resumed.
/// </summary>
public sealed class FakeOrderLog
{
    private readonly Lock _gate = new();
    private readonly List<OrderEvent> _events = [];
    private readonly ChangeSignal _appended = new();
    private readonly ChangeSignal _endStreams = new();
    private TaskCompletionSource? _pageHold;
    private long _holdPagesAfter;

    /// <summary>"List {after}" or "Watch {after}" per request, in arrival order.</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    /// <summary>How often an idle Watch stream gets a heartbeat.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>False makes Watch streams send nothing while idle, like a hung peer.</summary>
    public bool SendHeartbeats { get; set; } = true;

    /// <summary>Watch starts this many events before the requested cursor (an at-least-once upstream).</summary>
    public int WatchRedelivery { get; set; }

    /// <summary>Events up to and including this sequence were deleted by retention.</summary>
    public long PrunedThrough { get; private set; }

    public long Head
    {
        get
        {
            lock (_gate)
            {
                return _events.Count;
            }
        }
    }

    /// <summary>Every event ever appended, deleted ones included (the truth a consumer is checked against).</summary>
    public IReadOnlyList<OrderEvent> All
    {
        get
        {
            lock (_gate)
            {
                return [.. _events];
            }
        }
    }

    public OrderEvent Append(OrderEventType type, Order order, string traceParent = "")
    {
        OrderEvent added;
        lock (_gate)
        {
            added = new OrderEvent
            {
                Sequence = _events.Count + 1,
                Type = type,
                Order = order,
                OccurTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow),
                TraceParent = traceParent,
            };
            _events.Add(added);
        }

        _appended.Signal();
        return added;
    }

    /// <summary>Deletes the events through <paramref name="sequence"/>, as retention would.</summary>
    public void PruneThrough(long sequence)
    {
        lock (_gate)
        {
            PrunedThrough = Math.Max(PrunedThrough, Math.Min(sequence, _events.Count));
        }
    }

    /// <summary>Up to <paramref name="limit"/> retained events after <paramref name="after"/>.</summary>
    public IReadOnlyList<OrderEvent> Read(long after, int limit)
    {
        lock (_gate)
        {
            var start = (int)Math.Max(after, PrunedThrough);
            return _events.Skip(start).Take(limit).ToList();
        }
    }

    /// <summary>Completes at the next append.</summary>
    public Task NextAppend() => _appended.Next();

    /// <summary>Completes when open Watch streams are to end with UNAVAILABLE.</summary>
    public Task StreamsEnded() => _endStreams.Next();

    /// <summary>Ends every open Watch stream with UNAVAILABLE (a restart of orders); new ones are served normally.</summary>
    public void EndStreams() => _endStreams.Signal();

    /// <summary>ListOrderEvents pages after <paramref name="after"/> or later wait until <see cref="ReleasePages"/>.</summary>
    public void HoldPagesAfter(long after)
    {
        lock (_gate)
        {
            _holdPagesAfter = after;
            _pageHold = NewSignal();
        }
    }

    public void ReleasePages()
    {
        TaskCompletionSource? hold;
        lock (_gate)
        {
            hold = _pageHold;
            _pageHold = null;
        }

        hold?.TrySetResult();
    }

    /// <summary>The hold a page read after <paramref name="after"/> must wait for, if any.</summary>
    public Task PageHold(long after)
    {
        lock (_gate)
        {
            return _pageHold is not null && after >= _holdPagesAfter ? _pageHold.Task : Task.CompletedTask;
        }
    }

    public int CountRequests(string request) => Requests.Count(seen => seen == request);

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
