namespace Mesh.Inventory;

/// <summary>Inventory settings, bound from configuration section <c>Mesh:Inventory</c>.</summary>
public sealed class InventoryOptions
{
    /// <summary>How often held reservations past their TTL are expired. Default 1 s.</summary>
    public TimeSpan ExpirySweepInterval { get; set; } = TimeSpan.FromSeconds(1);
}
