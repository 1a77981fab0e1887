namespace Mesh.Inventory.Domain;

/// <summary>What ReserveStock did; only <see cref="Reserved"/> changed stock.</summary>
public abstract record ReserveStockOutcome
{
    private ReserveStockOutcome()
    {
    }

    /// <summary>Every line is held now (or sold, when the call asked to commit).</summary>
    public sealed record Reserved(ReservationRecord Reservation) : ReserveStockOutcome;

    /// <summary>The same reservation was made before; returned in whatever state it is now.</summary>
    public sealed record AlreadyReserved(ReservationRecord Reservation) : ReserveStockOutcome;

    /// <summary>The reservation id is taken by a reservation with different lines.</summary>
    public sealed record RequestIdReused : ReserveStockOutcome;

    /// <summary>The line at <paramref name="LineIndex"/> names no item.</summary>
    public sealed record UnknownSku(int LineIndex, string Sku) : ReserveStockOutcome;

    /// <summary>At least one line lacks stock; nothing was held.</summary>
    public sealed record Insufficient(IReadOnlyList<StockShortage> Shortages) : ReserveStockOutcome;
}
