using Mesh.ServiceDefaults.Feeds;

namespace Mesh.ServiceDefaults.Tests.Feeds;

public sealed class RetryBackoffTests
{
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
}
