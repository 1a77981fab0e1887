namespace Mesh.Launcher;

/// <summary>
/// What the banner says about the dashboard: where it runs, or the one-line reason it does not
/// (it is never a reason for the mesh not to run).
/// </summary>
/// <param name="Address">The dashboard's pages when it runs; null otherwise.</param>
/// <param name="Problem">Why it is not running although it was asked for; null when it runs or was off.</param>
public sealed record DashboardStatus(Uri? Address, string? Problem)
{
    /// <summary>Not asked for (<c>--no-dashboard</c>, or options that leave it off).</summary>
    public static DashboardStatus Off { get; } = new(null, null);

    /// <summary>Whether the dashboard is up and the services send it their telemetry.</summary>
    public bool IsRunning => Address is not null;

    /// <summary>The dashboard answers at <paramref name="address"/>.</summary>
    public static DashboardStatus Running(Uri address) => new(address, null);

    /// <summary>The dashboard was asked for and could not start, for <paramref name="problem"/>.</summary>
    public static DashboardStatus NotRunning(string problem) => new(null, problem);
}
