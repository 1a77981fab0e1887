namespace Mesh.Storage.Tests;

/// <summary>
/// What GetUser and GetItem rely on from <see cref="ReadView{TValue}"/>: a kept value is served
/// without a load, an invalidated key is loaded again, and a load that overlaps a write of its key
/// is never kept (it could hold the value from before the write).
/// </summary>
public sealed class ReadViewTests
{
    private static readonly TimeSpan Bounded = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task GetAsync_SecondRead_ServedWithoutALoad()
    {
        var view = new ReadView<string>(capacity: 10);
        var source = new Source { ["a"] = "one" };

        Assert.Equal("one", await ReadAsync(view, source, "a"));
        source["a"] = "changed behind the view's back";

        Assert.Equal("one", await ReadAsync(view, source, "a"));
        Assert.Equal(1, source.Loads);
        Assert.Equal((1L, 1L), (view.Hits, view.Loads));
    }

    [Fact]
    public async Task Invalidate_ThenRead_LoadsTheNewValue()
    {
        var view = new ReadView<string>(capacity: 10);
        var source = new Source { ["a"] = "one", ["b"] = "two" };
        await ReadAsync(view, source, "a");
        await ReadAsync(view, source, "b");

        source["a"] = "uno";
        view.Invalidate("a");

        Assert.Equal("uno", await ReadAsync(view, source, "a"));
        Assert.Equal("two", await ReadAsync(view, source, "b"));
        Assert.Equal(3, source.Loads); // b stayed
    }

    [Fact]
    public async Task GetAsync_LoadOverlapsAWriteOfItsKey_ValueReturnedButNotKept()
    {
        var view = new ReadView<string>(capacity: 10);
        var source = new Source { ["a"] = "before" };
        var paused = source.PauseNextLoad();

        var slow = ReadAsync(view, source, "a").AsTask();
        await paused.Reached.WaitAsync(Bounded);
        // The load has read "before"; a write commits and invalidates the key before the load finishes.
        source["a"] = "after";
        view.Invalidate("a");
        paused.Resume();

        Assert.Equal("before", await slow.WaitAsync(Bounded));
        Assert.Equal("after", await ReadAsync(view, source, "a"));
    }

    [Fact]
    public async Task GetAsync_WriteOfAnotherKeyDuringTheLoad_ValueKept()
    {
        var view = new ReadView<string>(capacity: 10);
        var source = new Source { ["a"] = "one" };
        var paused = source.PauseNextLoad();
        var slow = ReadAsync(view, source, "a").AsTask();
        await paused.Reached.WaitAsync(Bounded);
        var other = Enumerable.Range(0, 10_000).Select(n => $"k{n}").First(key => !SameStripe(key, "a"));

        view.Invalidate(other);
        paused.Resume();
        await slow.WaitAsync(Bounded);
        await ReadAsync(view, source, "a");

        Assert.Equal(1, source.Loads);
    }

    [Fact]
    public async Task GetAsync_Missing_NotKept()
    {
        var view = new ReadView<string>(capacity: 10);
        var source = new Source();

        Assert.Null(await ReadAsync(view, source, "nobody"));
        source["nobody"] = "created";

        Assert.Equal("created", await ReadAsync(view, source, "nobody"));
    }

    [Fact]
    public async Task GetAsync_CapacityZero_EveryReadLoads()
    {
        var view = new ReadView<string>(capacity: 0);
        var source = new Source { ["a"] = "one" };

        await ReadAsync(view, source, "a");
        await ReadAsync(view, source, "a");

        Assert.Equal(2, source.Loads);
        Assert.Equal(0, view.Count);
    }

    [Fact]
    public async Task GetAsync_MoreKeysThanCapacity_StaysWithinItAndServesEveryKey()
    {
        var view = new ReadView<string>(capacity: 8);
        var source = new Source();
        for (var n = 0; n < 50; n++)
        {
            source[$"k{n}"] = $"v{n}";
        }

        for (var n = 0; n < 50; n++)
        {
            Assert.Equal($"v{n}", await ReadAsync(view, source, $"k{n}"));
            Assert.InRange(view.Count, 1, 8);
        }
    }

    [Fact]
    public async Task GetAsync_GuardThrows_ReadFailsAndTheViewForgetsEverything()
    {
        var data = new DataBehind();
        var view = new ReadView<string>(capacity: 10, guard: data.EnsureThere);
        var source = new Source { ["a"] = "one" };
        await ReadAsync(view, source, "a");

        data.Gone = true;
        await Assert.ThrowsAsync<InvalidOperationException>(() => ReadAsync(view, source, "a").AsTask());
        data.Gone = false;

        Assert.Equal(0, view.Count);
        Assert.Equal("one", await ReadAsync(view, source, "a"));
        Assert.Equal(2, source.Loads);
    }

    [Fact]
    public async Task TryPeek_AnswersOnlyFromMemory_NeverLoads()
    {
        var view = new ReadView<string>(capacity: 10);
        var source = new Source { ["a"] = "one" };

        Assert.False(view.TryPeek("a", out _));
        await ReadAsync(view, source, "a");
        Assert.True(view.TryPeek("a", out var kept));
        Assert.Equal("one", kept);
        view.Invalidate("a");

        Assert.False(view.TryPeek("a", out _));
        Assert.Equal(1, source.Loads);
        Assert.Equal((1L, 1L), (view.Hits, view.Loads));
    }

    [Fact]
    public async Task TryPeek_GuardThrows_NothingAnsweredAndTheViewForgetsEverything()
    {
        var data = new DataBehind();
        var view = new ReadView<string>(capacity: 10, guard: data.EnsureThere);
        await ReadAsync(view, new Source { ["a"] = "one" }, "a");

        data.Gone = true;
        Assert.False(view.TryPeek("a", out _));
        data.Gone = false;

        Assert.Equal(0, view.Count);
        Assert.False(view.TryPeek("a", out _));
    }

    [Fact]
    public void Constructor_NegativeCapacity_Refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new ReadView<string>(-1));

    private static ValueTask<string?> ReadAsync(ReadView<string> view, Source source, string key) =>
        view.GetAsync(key, source, static (key, source, _) => source.LoadAsync(key), CancellationToken.None);

    // Whether invalidating key during a load of probe keeps that load out of a view (string hashes differ per process).
    private static bool SameStripe(string key, string probe)
    {
        var scratch = new ReadView<string>(capacity: 10);
        var source = new Source { [probe] = "x" };
        source.BeforeNextLoadReturns = () =>
        {
            scratch.Invalidate(key);
            return Task.CompletedTask;
        };
        ReadAsync(scratch, source, probe).AsTask().GetAwaiter().GetResult();
        ReadAsync(scratch, source, probe).AsTask().GetAwaiter().GetResult();
        return source.Loads == 2;
    }

    /// <summary>The data a view's guard checks: gone, the guard throws.</summary>
    private sealed class DataBehind
    {
        public bool Gone { get; set; }

        public void EnsureThere()
        {
            if (Gone)
            {
                throw new InvalidOperationException("the data is gone");
            }
        }
    }

    private sealed class Source : Dictionary<string, string>
    {
        public int Loads { get; private set; }

        public Func<Task>? BeforeNextLoadReturns { get; set; }

        /// <summary>Holds the next load after it has read its value, until <see cref="PausedLoad.Resume"/>.</summary>
        public PausedLoad PauseNextLoad()
        {
            var paused = new PausedLoad();
            BeforeNextLoadReturns = paused.WaitAsync;
            return paused;
        }

        public async Task<string?> LoadAsync(string key)
        {
            Loads++;
            var value = TryGetValue(key, out var found) ? found : null;
            if (BeforeNextLoadReturns is { } hook)
            {
                BeforeNextLoadReturns = null;
                await hook();
            }

            return value;
        }
    }

    private sealed class PausedLoad
    {
        private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _resume = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Completes when the load has read its value and waits.</summary>
        public Task Reached => _reached.Task;

        public void Resume() => _resume.SetResult();

        public Task WaitAsync()
        {
            _reached.SetResult();
            return _resume.Task;
        }
    }
}
