namespace Mesh.Browser.Tests.Support;

/// <summary>
/// The browser the tests drive: Debian's <c>chromium</c> package, never one Playwright downloads (this
/// machine has no outside network). <c>MESH_CHROMIUM</c> names another executable, or a missing path to
/// see the skip. Under <c>CI=true</c> a missing browser fails the tests instead of skipping them.
/// </summary>
public static class Chromium
{
    public const string Variable = "MESH_CHROMIUM";

    public const string DefaultPath = "/usr/bin/chromium";

    /// <summary>What Playwright launches.</summary>
    public static string ExecutablePath => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } path ? path : DefaultPath;

    /// <summary>
    /// Flags for a root user on a machine without outside network: no sandbox (it refuses root), and
    /// none of the background fetches (updates, sync, QUIC probes) that would only time out here.
    /// </summary>
    public static IReadOnlyList<string> Arguments { get; } =
    [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    public static bool IsInstalled => File.Exists(ExecutablePath);

    /// <summary>Whether this is CI, where a missing prerequisite fails a test rather than skipping it.</summary>
    public static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Why the browser tests are skipped, or null when they run.</summary>
    public static string? SkipReason => !IsInstalled && !InCi
        ? $"No browser at {ExecutablePath}: the browser tests were not run. Install Debian's chromium " +
          $"(apt-get install -y --no-install-recommends chromium) or set {Variable} to a Chromium executable. CI=true makes this a failure."
        : null;

    /// <summary>The failure under CI=true, where a missing browser must not pass as skipped.</summary>
    public static string MissingMessage =>
        $"CI=true requires the browser tests to run, and there is no browser at {ExecutablePath}: .ci/run installs " +
        $"Debian's chromium (apt_packages), or set {Variable} to a Chromium executable.";
}
