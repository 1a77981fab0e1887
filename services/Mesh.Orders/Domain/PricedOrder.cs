namespace Mesh.Orders.Domain;

/// <summary>Priced lines in request order, their one currency and their total.</summary>
public sealed record PricedOrder(string CurrencyCode, IReadOnlyList<PricedLine> Lines, long TotalMinor);
