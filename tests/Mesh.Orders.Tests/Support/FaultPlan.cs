using System.Collections.Concurrent;
using Grpc.Core;

namespace Mesh.Orders.Tests.Support;

/// <summary>
/// Faults a test injects into one in-process host, by method name ("CommitReservation"), and
/// how often each method was called. Read by <see cref="FaultInjectionInterceptor"/>.
/// </summary>
public sealed class FaultPlan
{
    private readonly ConcurrentDictionary<string, MethodFault> _faults = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _calls = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTime> _deadlines = new(StringComparer.Ordinal);

    /// <summary>The method fails with <paramref name="code"/> without running.</summary>
    public void FailBefore(string method, StatusCode code) =>
        _faults[method] = new MethodFault(code, null, TimeSpan.Zero);

    /// <summary>The method runs, then its answer is lost: the caller gets <paramref name="code"/>.</summary>
    public void FailAfter(string method, StatusCode code) =>
        _faults[method] = new MethodFault(null, code, TimeSpan.Zero);

    /// <summary>The method waits <paramref name="delay"/> (or until the call is cancelled) before running.</summary>
    public void Delay(string method, TimeSpan delay) =>
        _faults[method] = new MethodFault(null, null, delay);

    public void Clear() => _faults.Clear();

    public int Calls(string method) => _calls.GetValueOrDefault(method);

    /// <summary>The deadline (UTC) the last call of <paramref name="method"/> arrived with; DateTime.MaxValue for none.</summary>
    public DateTime LastDeadline(string method) => _deadlines.GetValueOrDefault(method, DateTime.MaxValue);

    internal MethodFault? Enter(string method, DateTime deadline)
    {
        _calls.AddOrUpdate(method, 1, (_, count) => count + 1);
        _deadlines[method] = deadline;
        return _faults.GetValueOrDefault(method);
    }
}
