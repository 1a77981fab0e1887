using Mesh.Launcher;

namespace Mesh.Browser.Tests.Support;

/// <summary>
/// The Aspire Dashboard the launcher starts: the one in the NuGet package restored with it, or the
/// executable <c>MESH_DASHBOARD_PATH</c> names, as for the launcher (a missing path shows the skip).
/// Without one the dashboard tests are skipped with the reason; under <c>CI=true</c> they run, and
/// fail, instead.
/// </summary>
public static class AspireDashboard
{
    public const string Variable = "MESH_DASHBOARD_PATH";

    /// <summary>The executable the tests were told to run, or null for the package's.</summary>
    public static string? ConfiguredPath => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } path ? path : null;

    /// <summary>Why there is no dashboard to run, or null when there is one.</summary>
    public static string? Problem => DashboardExecutable.Find(ConfiguredPath).Problem;

    /// <summary>Why the dashboard tests are skipped, or null when they run.</summary>
    public static string? SkipReason => Problem is { } problem && !Chromium.InCi
        ? $"No Aspire Dashboard ({problem}): the dashboard tests were not run. CI=true makes this a failure."
        : null;
}
