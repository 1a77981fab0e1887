using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Mesh.Orders.Domain;

/// <summary>
/// How each PlaceOrder saga ended, as the counter <c>mesh.orders.saga.outcomes</c> tagged
/// <c>outcome</c>: <c>confirmed</c>; <c>rejected</c> (refused before stock was taken: unknown or
/// inactive user, missing sku, not enough stock); <c>compensated</c> (stock was held, a later step
/// failed, the hold was given back); <c>recovered</c> (a lost commit answer that had gone through);
/// <c>unknown</c> (left pending for the sweeper). Replays of a stored outcome are not counted.
/// </summary>
public sealed class SagaMetrics : IDisposable
{
    public const string MeterName = "Mesh.Orders.Saga";

    private readonly Meter _meter;
    private readonly Counter<long> _outcomes;

    public SagaMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _meter = meterFactory.Create(MeterName);
        _outcomes = _meter.CreateCounter<long>("mesh.orders.saga.outcomes", unit: "{order}",
            description: "PlaceOrder sagas by how they ended: confirmed, rejected, compensated, recovered or unknown.");
    }

    public void Confirmed() => Count("confirmed");

    public void Rejected() => Count("rejected");

    public void Compensated() => Count("compensated");

    public void Recovered() => Count("recovered");

    public void Unknown() => Count("unknown");

    public void Dispose() => _meter.Dispose();

    private void Count(string outcome) => _outcomes.Add(1, new TagList { { "outcome", outcome } });
}
