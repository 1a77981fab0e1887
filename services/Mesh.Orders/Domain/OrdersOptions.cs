namespace Mesh.Orders.Domain;

/// <summary>Saga timing and the user cache, bound from configuration section <c>Mesh:Orders</c>.</summary>
public sealed class OrdersOptions
{
    public const string Section = "Mesh:Orders";

    public const string ValidationMessage =
        "Mesh:Orders: AbandonAfter and SweepInterval must be positive; UserCacheCapacity must not be negative.";

    /// <summary>A PENDING order older than this is released and rejected by the sweeper. Default 2 min.</summary>
    public TimeSpan AbandonAfter { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How often the sweeper looks for abandoned orders. Default 10 s.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Users whose state orders keeps in memory, current through the users feed, so an order of a
    /// known user needs no GetUser call. 0 asks users on every order. Default 10,000.
    /// </summary>
    public int UserCacheCapacity { get; set; } = 10_000;

    public bool IsValid() =>
        AbandonAfter > TimeSpan.Zero
        && SweepInterval > TimeSpan.Zero
        && UserCacheCapacity >= 0;
}
