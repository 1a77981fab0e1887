namespace Mesh.Users.Domain;

/// <summary>An amount in minor units (cents for USD) of one ISO 4217 currency.</summary>
public readonly record struct CurrencyAmount(string CurrencyCode, long AmountMinor);
