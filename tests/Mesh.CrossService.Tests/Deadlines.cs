namespace Mesh.CrossService.Tests;

/// <summary>Bounds for every call and wait, so a hung service fails a test instead of the run.</summary>
internal static class Deadlines
{
    /// <summary>Deadline of one unary call.</summary>
    public static DateTime Call() => DateTime.UtcNow.AddSeconds(15);

    /// <summary>A token that cancels after <paramref name="seconds"/>.</summary>
    public static CancellationTokenSource After(int seconds) => new(TimeSpan.FromSeconds(seconds));
}
