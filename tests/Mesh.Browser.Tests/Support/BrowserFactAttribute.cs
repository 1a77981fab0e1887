namespace Mesh.Browser.Tests.Support;

/// <summary>
/// A fact that needs the browser: skipped with the reason when <see cref="Chromium"/> finds none,
/// counted as skipped and never as passed; under CI=true it runs, and fails, instead.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class BrowserFactAttribute : FactAttribute
{
    public BrowserFactAttribute() => Skip = Chromium.SkipReason;
}
