namespace Mesh.Inventory.Domain;

/// <summary>The input limits inventory.proto documents, in one place.</summary>
public static class InventoryLimits
{
    public const int MaxSkuLength = 64;
    public const int MaxNameLength = 200;
    public const long MaxInitialQuantity = 1_000_000_000;
    public const long MaxAdjustment = 1_000_000_000;
    public const int MaxReasonLength = 200;
    public const int MaxBatchSkus = 100;
    public const int MaxReservationIdLength = 64;

    /// <summary>Characters a reservation id may use besides ASCII letters and digits ("order:&lt;uuid&gt;").</summary>
    public const string ReservationIdExtraChars = "._:-";

    public const int MaxReservationLines = 50;
    public const long MaxLineQuantity = 10_000;
    public const int MaxWatchSkus = 100;
}
