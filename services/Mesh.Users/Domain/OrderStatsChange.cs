namespace Mesh.Users.Domain;

/// <summary>
/// What the order event at <paramref name="Sequence"/> adds to the statistics of
/// <paramref name="UserId"/>: counter increments and, when it moves money, a signed spend.
/// </summary>
public sealed record OrderStatsChange(long Sequence, string UserId, int Placed, int Cancelled, int Rejected, CurrencyAmount? Spend)
{
    /// <summary>True for events that count nothing; they still move the consumer's cursor.</summary>
    public bool IsEmpty => Placed == 0 && Cancelled == 0 && Rejected == 0 && Spend is null;
}
