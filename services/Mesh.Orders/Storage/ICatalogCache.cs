using Mesh.Orders.Domain;

namespace Mesh.Orders.Storage;

/// <summary>
/// The local copy of inventory's catalog (table <c>catalog_items</c>) and the cursor of the
/// feed that fills it. Items and cursor always change in one transaction, so after a crash the
/// cache resumes exactly where its stored contents stop: nothing skipped, nothing applied twice.
/// </summary>
public interface ICatalogCache
{
    /// <summary>
    /// Writes the items of events newer than <paramref name="consumer"/>'s cursor and moves the
    /// cursor to the newest; returns the cursor afterwards. Events at or below the cursor were
    /// applied before (a replay after a reconnect, or by another replica) and are skipped.
    /// </summary>
    Task<long> ApplyAsync(string consumer, IReadOnlyList<CachedItem> changes);

    /// <summary>Moves the cursor to <paramref name="head"/> when the feed says nothing up to it is missing; never backwards.</summary>
    Task AdvanceAsync(string consumer, long head);

    /// <summary>
    /// Replaces the whole cache with <paramref name="items"/>, a snapshot taken after the feed
    /// stood at <paramref name="head"/>, and sets the cursor to that head.
    /// </summary>
    Task ReplaceAsync(string consumer, IReadOnlyList<CachedItem> items, long head);

    /// <summary>The cached items among <paramref name="skus"/>, by sku; skus not cached are absent.</summary>
    Task<IReadOnlyDictionary<string, CachedItem>> FindAsync(IReadOnlyCollection<string> skus, CancellationToken cancellationToken);
}
