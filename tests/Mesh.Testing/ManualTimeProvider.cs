namespace Mesh.Testing;

/// <summary>
/// A clock that moves only when a test moves it, so timestamps can be asserted exactly. Only "now" is
/// manual: timers still tick in real time, so a background sweep keeps running and sees the time the test set.
/// </summary>
public sealed class ManualTimeProvider(DateTimeOffset start) : TimeProvider
{
    private long _utcTicks = start.UtcTicks;

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _utcTicks), TimeSpan.Zero);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _utcTicks, by.Ticks);

    public void Set(DateTimeOffset now) => Interlocked.Exchange(ref _utcTicks, now.UtcTicks);
}
