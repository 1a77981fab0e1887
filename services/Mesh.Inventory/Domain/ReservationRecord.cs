namespace Mesh.Inventory.Domain;

/// <summary>A stored reservation with its lines in request order.</summary>
public sealed record ReservationRecord(
    string ReservationId,
    IReadOnlyList<ReservationLineRecord> Lines,
    ReservationStatus Status,
    DateTimeOffset ExpireTime,
    DateTimeOffset CreateTime)
{
    /// <summary>
    /// True when <paramref name="lines"/> hold the same units of the same skus, in any order:
    /// line order carries no meaning, so a retry that lists them differently is still a retry.
    /// </summary>
    public bool HasSameLines(IReadOnlyList<ReservationLineRecord> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        if (lines.Count != Lines.Count)
        {
            return false;
        }

        var held = Lines.ToDictionary(line => line.Sku, line => line.Quantity, StringComparer.Ordinal);
        return lines.All(line => held.TryGetValue(line.Sku, out var quantity) && quantity == line.Quantity);
    }
}
