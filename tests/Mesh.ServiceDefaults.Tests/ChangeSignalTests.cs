
using Mesh.Storage;

namespace Mesh.ServiceDefaults.Tests;

/// <summary>The wake-up feeds wait on: a change signalled after a reader took its task is never missed.</summary>
public sealed class ChangeSignalTests
{
    [Fact]
    public void Next_TakenBeforeSignal_CompletesAtTheSignalAndNotBefore()
    {
        var signal = new ChangeSignal();
        var next = signal.Next();
        var pendingBefore = next.IsCompleted;

        signal.Signal();

        Assert.False(pendingBefore);
        Assert.True(next.IsCompletedSuccessfully);
    }

    [Fact]
    public void Next_TakenAfterASignal_WaitsForTheFollowingOne()
    {
        var signal = new ChangeSignal();
        signal.Signal();

        var next = signal.Next();
        var pendingAfterEarlierSignal = next.IsCompleted;
        signal.Signal();

        Assert.False(pendingAfterEarlierSignal);
        Assert.True(next.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task Signal_ManyWaitersOnManyThreads_WakesEveryOneAndRearms()
    {
        var signal = new ChangeSignal();
        var taken = await Task.WhenAll(Enumerable.Range(0, 64).Select(_ => Task.Run<Task>(() => signal.Next())));

        signal.Signal();

        Assert.All(taken, next => Assert.True(next.IsCompletedSuccessfully));
        Assert.False(signal.Next().IsCompleted);
    }
}
