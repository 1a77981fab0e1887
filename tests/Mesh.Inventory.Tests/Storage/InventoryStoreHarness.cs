using Mesh.Inventory.Storage;
using Mesh.Inventory.Tests.Support;
using Mesh.Inventory.V1;
using Mesh.Storage;
using Mesh.Testing;

namespace Mesh.Inventory.Tests.Storage;

/// <summary>The inventory stores on a fresh database of one provider, with a manual clock and the event log they append to.</summary>
public interface IInventoryStoreHarness : IAsyncDisposable
{
    ItemStore Items { get; }

    ReservationStore Reservations { get; }

    /// <summary>The database the stores write to, for tests of the dialect itself.</summary>
    StoreDatabase Database { get; }

    IEventLog Log { get; }

    ManualTimeProvider Time { get; }
}

public static class InventoryStoreHarnessExtensions
{
    /// <summary>Every stored event of <paramref name="skus"/> (all skus when none), oldest first.</summary>
    public static async Task<IReadOnlyList<InventoryEvent>> EventsAsync(this IEventLog log, params string[] skus)
    {
        ArgumentNullException.ThrowIfNull(log);
        var head = (await log.PositionAsync(CancellationToken.None)).Head;
        var stored = await log.ReadAsync(0, head, 10_000, skus, CancellationToken.None);
        return [.. stored.Select(e =>
        {
            var parsed = InventoryEvent.Parser.ParseFrom(e.Payload);
            parsed.Sequence = e.Sequence;
            return parsed;
        })];
    }
}
