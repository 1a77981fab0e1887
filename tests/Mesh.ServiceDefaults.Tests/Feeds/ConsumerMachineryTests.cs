using Mesh.ServiceDefaults.Feeds;
using Mesh.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Mesh.ServiceDefaults.Tests.Feeds;

public sealed class ConsumerMachineryTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("mesh-consumer-").FullName;

    [Fact]
    public void RetryBackoff_GrowsExponentiallyUpToTheCapWithJitter()
    {
        var backoff = new RetryBackoff(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(2), new Random(7));

        var waits = Enumerable.Range(0, 12).Select(_ => backoff.Next()).ToList();

        for (var attempt = 0; attempt < waits.Count; attempt++)
        {
            var ceiling = Math.Min(2000, 100 * Math.Pow(2, attempt));
            Assert.InRange(waits[attempt].TotalMilliseconds, 0, ceiling);
        }

        Assert.True(waits.Distinct().Count() > 6, "waits should be jittered, not constant");
        Assert.Equal(12, backoff.Failures);
        backoff.Reset();
        Assert.InRange(backoff.Next().TotalMilliseconds, 0, 100);
    }

    [Fact]
    public async Task ConsumerCursors_SetInsideTransaction_NeverMovesBackAndRollsBackWithTheEffect()
    {
        using var database = new SqliteDatabase(Path.Combine(_folder, "c.db"));
        await database.MigrateAsync([SqliteConsumerCursors.Migration]);
        var cursors = new SqliteConsumerCursors(database);

        await database.WriteAsync(async (c, t) => { await SqliteConsumerCursors.SetAsync(c, t, "feed", 10, DateTimeOffset.UtcNow); return 0; });
        await database.WriteAsync(async (c, t) => { await SqliteConsumerCursors.SetAsync(c, t, "feed", 4, DateTimeOffset.UtcNow); return 0; });
        await Assert.ThrowsAsync<InvalidOperationException>(() => database.WriteAsync<int>(async (c, t) =>
        {
            await SqliteConsumerCursors.SetAsync(c, t, "feed", 99, DateTimeOffset.UtcNow);
            throw new InvalidOperationException("the effect failed");
        }));

        Assert.Equal(10, await cursors.GetAsync("feed", CancellationToken.None));
        Assert.Equal(0, await cursors.GetAsync("other", CancellationToken.None));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}
