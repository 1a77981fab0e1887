using Mesh.Inventory.Storage;
using Mesh.Inventory.Tests.Support;
using Mesh.Inventory.V1;
using Mesh.Storage;
using Mesh.Testing;

namespace Mesh.Inventory.Tests.Repository;

/// <summary>One provider's inventory repository on a fresh database, with a manual clock and the event log it appends to.</summary>
public interface IInventoryStoreHarness : IAsyncDisposable
{
    IInventoryRepository Repository { get; }

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
