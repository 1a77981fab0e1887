using Mesh.Orders.Storage;

namespace Mesh.Orders.Tests.Storage;

public sealed class InProcessRequestLocksTests
{
    [Fact]
    public async Task AcquireAsync_SameKeyHeld_WaitsUntilReleased()
    {
        var locks = new InProcessRequestLocks();
        var first = await locks.AcquireAsync("a", CancellationToken.None);

        var second = locks.AcquireAsync("a", CancellationToken.None);
        await Task.Delay(50);
        var waitedWhileHeld = !second.IsCompleted;
        await first.DisposeAsync();
        await using var acquired = await second.WaitAsync(TimeSpan.FromSeconds(5));

        Assert.True(waitedWhileHeld, "the second holder did not wait for the first");
    }

    [Fact]
    public async Task AcquireAsync_OtherKey_DoesNotWait()
    {
        var locks = new InProcessRequestLocks();
        await using var first = await locks.AcquireAsync("a", CancellationToken.None);

        await using var other = await locks.AcquireAsync("b", CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Equal(2, locks.Count);
    }

    [Fact]
    public async Task TryAcquireAsync_HeldKey_Null()
    {
        var locks = new InProcessRequestLocks();
        await using var held = await locks.AcquireAsync("a", CancellationToken.None);

        Assert.Null(await locks.TryAcquireAsync("a", CancellationToken.None));
        Assert.Equal(1, locks.Count);
    }

    [Fact]
    public async Task Dispose_LastHolder_ForgetsTheKey()
    {
        var locks = new InProcessRequestLocks();
        var held = await locks.AcquireAsync("a", CancellationToken.None);

        await held.DisposeAsync();
        await held.DisposeAsync();

        Assert.Equal(0, locks.Count);
        await using var again = await locks.TryAcquireAsync("a", CancellationToken.None);
        Assert.NotNull(again);
    }

    [Fact]
    public async Task AcquireAsync_CancelledWhileWaiting_ThrowsAndLeavesNoTrace()
    {
        var locks = new InProcessRequestLocks();
        var held = await locks.AcquireAsync("a", CancellationToken.None);
        using var cancel = new CancellationTokenSource();

        var waiting = locks.AcquireAsync("a", cancel.Token);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        await held.DisposeAsync();

        Assert.Equal(0, locks.Count);
    }
}
