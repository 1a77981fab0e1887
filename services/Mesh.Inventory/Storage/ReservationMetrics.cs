using System.Diagnostics.Metrics;

namespace Mesh.Inventory.Storage;

/// <summary>
/// Holds that ran out: <c>mesh.inventory.reservations.expired</c> counts reservations released by
/// their TTL rather than committed or released by their caller. A steady rate means a caller
/// (normally orders) is crashing or timing out between ReserveStock and its commit.
/// </summary>
public sealed class ReservationMetrics : IDisposable
{
    public const string MeterName = "Mesh.Inventory";

    private readonly Meter _meter;
    private readonly Counter<long> _expired;

    public ReservationMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _meter = meterFactory.Create(MeterName);
        _expired = _meter.CreateCounter<long>("mesh.inventory.reservations.expired", unit: "{reservation}",
            description: "Reservations whose TTL ran out before a commit or release; their stock is available again.");
    }

    public void Expired(int count)
    {
        if (count > 0)
        {
            _expired.Add(count);
        }
    }

    public void Dispose() => _meter.Dispose();
}
