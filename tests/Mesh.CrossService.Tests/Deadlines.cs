namespace Mesh.CrossService.Tests;

/// <summary>Bounds for every call and wait, so a hung service fails a test instead of the run.</summary>
internal static class Deadlines
{
    /// <summary>
    /// Deadline of one unary call. Generous: the shared mesh's services are restarted by some tests,
    /// and the first PlaceOrder after a restart, on a two-core runner building images beside it,
    /// once needed more than 15 s.
    /// </summary>
    public static DateTime Call() => DateTime.UtcNow.AddSeconds(30);

    /// <summary>A token that cancels after <paramref name="seconds"/>.</summary>
    public static CancellationTokenSource After(int seconds) => new(TimeSpan.FromSeconds(seconds));
}
