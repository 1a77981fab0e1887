using Mesh.Orders.Domain;

namespace Mesh.Orders.Tests.Domain;

public sealed class RequestLocksTests
{
    [Fact]
    public async Task AcquireAsync_SameKeyHeld_WaitsUntilReleased()
    {
        var locks = new RequestLocks();
        var first = await locks.AcquireAsync("a", CancellationToken.None);

        var second = locks.AcquireAsync("a", CancellationToken.None);
        await Task.Delay(50);
        var waitedWhileHeld = !second.IsCompleted;
        first.Dispose();
        using var acquired = await second.WaitAsync(TimeSpan.FromSeconds(5));

        Assert.True(waitedWhileHeld, "the second holder did not wait for the first");
    }

    [Fact]
    public async Task AcquireAsync_OtherKey_DoesNotWait()
    {
        var locks = new RequestLocks();
        using var first = await locks.AcquireAsync("a", CancellationToken.None);

        using var other = await locks.AcquireAsync("b", CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Equal(2, locks.Count);
    }

    [Fact]
    public async Task TryAcquire_HeldKey_Null()
    {
        var locks = new RequestLocks();
        using var held = await locks.AcquireAsync("a", CancellationToken.None);

        Assert.Null(locks.TryAcquire("a"));
        Assert.Equal(1, locks.Count);
    }

    [Fact]
    public async Task Dispose_LastHolder_ForgetsTheKey()
    {
        var locks = new RequestLocks();
        var held = await locks.AcquireAsync("a", CancellationToken.None);

        held.Dispose();
        held.Dispose();

        Assert.Equal(0, locks.Count);
        using var again = locks.TryAcquire("a");
        Assert.NotNull(again);
    }

    [Fact]
    public async Task AcquireAsync_CancelledWhileWaiting_ThrowsAndLeavesNoTrace()
    {
        var locks = new RequestLocks();
        var held = await locks.AcquireAsync("a", CancellationToken.None);
        using var cancel = new CancellationTokenSource();

        var waiting = locks.AcquireAsync("a", cancel.Token);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        held.Dispose();

        Assert.Equal(0, locks.Count);
    }
}
