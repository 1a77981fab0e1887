namespace Mesh.CrossService.Tests.Replicas;

/// <summary>Polls for a state that other replicas reach asynchronously (sweeps, expiry, consumers), within a bound.</summary>
internal static class Eventually
{
    /// <summary>
    /// Reads until <paramref name="done"/> holds or <paramref name="seconds"/> pass, and returns the
    /// last read either way: the caller's assertion then says what was left.
    /// </summary>
    public static async Task<T> ReadUntilAsync<T>(Func<Task<T>> read, Func<T, bool> done, int seconds = 60)
    {
        using var timeout = Deadlines.After(seconds);
        while (true)
        {
            var value = await read();
            if (done(value) || timeout.IsCancellationRequested)
            {
                return value;
            }

            await Task.Delay(200);
        }
    }
}
