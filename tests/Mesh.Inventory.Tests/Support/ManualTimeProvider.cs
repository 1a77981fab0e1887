namespace Mesh.Inventory.Tests.Support;

/// <summary>
/// A clock the test moves by hand. Only "now" is manual: timers still tick in real time, so
/// the expiry sweep keeps running and sees whatever time the test has set.
/// </summary>
public sealed class ManualTimeProvider(DateTimeOffset start) : TimeProvider
{
    private long _utcTicks = start.UtcTicks;

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _utcTicks), TimeSpan.Zero);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _utcTicks, by.Ticks);
}
