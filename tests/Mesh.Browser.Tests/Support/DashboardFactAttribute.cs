namespace Mesh.Browser.Tests.Support;

/// <summary>
/// A fact that needs the browser and the Aspire Dashboard: skipped with the reason when either is
/// missing, never counted as passed; under CI=true it runs, and fails, instead.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class DashboardFactAttribute : FactAttribute
{
    public DashboardFactAttribute() => Skip = Chromium.SkipReason ?? AspireDashboard.SkipReason;
}
