namespace Mesh.Container.Tests.Support;

/// <summary>Bounds for every call and wait, so a hung container fails a test instead of the run.</summary>
internal static class Deadlines
{
    /// <summary>Deadline of one unary call.</summary>
    public static DateTime Call() => DateTime.UtcNow.AddSeconds(15);

    /// <summary>
    /// Longest build of the three images (cold: about 3 minutes here, a NuGet restore from the network
    /// and three publishes); below run-all's 10-minute hang timeout, so this message is the one seen.
    /// </summary>
    public static readonly TimeSpan ImageBuild = TimeSpan.FromMinutes(9);

    /// <summary>Longest wait from starting a container until it reports readiness SERVING.</summary>
    public static readonly TimeSpan Serving = TimeSpan.FromSeconds(90);

    /// <summary>Longest single engine command (run, inspect, rm, network and volume commands).</summary>
    public static readonly TimeSpan EngineCommand = TimeSpan.FromSeconds(60);

    /// <summary>
    /// With podman, a container started by the tests is killed after this long even if the test host
    /// dies before cleaning up (docker has no such option).
    /// </summary>
    public static readonly TimeSpan ContainerLifetime = TimeSpan.FromMinutes(30);
}
