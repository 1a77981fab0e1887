namespace Mesh.ServiceDefaults.Health;

/// <summary>Readiness timing, bound from configuration section <c>Mesh:Health</c>.</summary>
public sealed class MeshHealthOptions
{
    /// <summary>How often readiness checks run. Default 2 s.</summary>
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>A check slower than this counts as failed. Default 1 s.</summary>
    public TimeSpan CheckTimeout { get; set; } = TimeSpan.FromSeconds(1);
}
