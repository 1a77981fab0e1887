using System.Diagnostics;
using Xunit;

namespace Mesh.Testing;

/// <summary>Bounded polling for effects that settle in the background (consumers, sweeps, other replicas).</summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(20);

    // In-process conditions are cheap to check; reads across processes are calls, so they are spaced out.
    private static readonly TimeSpan ConditionInterval = TimeSpan.FromMilliseconds(25);
    private static readonly TimeSpan ReadInterval = TimeSpan.FromMilliseconds(200);

    /// <summary>Polls <paramref name="condition"/> until it holds; fails naming <paramref name="because"/> once <paramref name="timeout"/> has passed.</summary>
    public static async Task HoldsAsync(Func<Task<bool>> condition, string because, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var limit = timeout ?? DefaultTimeout;
        var elapsed = Stopwatch.StartNew();
        while (!await condition())
        {
            if (elapsed.Elapsed >= limit)
            {
                Assert.Fail($"timed out after {limit.TotalSeconds:0.#} s waiting until {because}");
            }

            await Task.Delay(ConditionInterval);
        }
    }

    public static Task HoldsAsync(Func<bool> condition, string because, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        return HoldsAsync(() => Task.FromResult(condition()), because, timeout);
    }

    /// <summary>
    /// Reads until <paramref name="done"/> holds or <paramref name="timeout"/> passes, and returns the
    /// last read either way: the caller's assertion then says what was left.
    /// </summary>
    public static async Task<T> ReadUntilAsync<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(read);
        ArgumentNullException.ThrowIfNull(done);
        var elapsed = Stopwatch.StartNew();
        while (true)
        {
            var value = await read();
            if (done(value) || elapsed.Elapsed >= timeout)
            {
                return value;
            }

            await Task.Delay(ReadInterval);
        }
    }
}
