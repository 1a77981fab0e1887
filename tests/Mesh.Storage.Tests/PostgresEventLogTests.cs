using Mesh.ServiceDefaults.Feeds;
using Mesh.Storage.Postgres;

namespace Mesh.Storage.Tests;

/// <summary>What only a shared database can do: feeds that span replicas.</summary>
public sealed class PostgresEventLogTests
{
    [PostgresFact]
    public async Task AppendAsync_ThroughReplicaA_ReachesFollowerOnReplicaBWithoutPolling()
    {
        await using var testDatabase = await PostgresServer.CreateDatabaseAsync();
        await using var databaseA = new PostgresDatabase(testDatabase.ConnectionString);
        await using var databaseB = new PostgresDatabase(testDatabase.ConnectionString);
        await databaseA.MigrateAsync([PostgresEventLog.Migration("probe")]);
        await databaseB.MigrateAsync([PostgresEventLog.Migration("probe")]);
        await using var logA = new PostgresEventLog(databaseA, "probe");
        await using var logB = new PostgresEventLog(databaseB, "probe");

        // The heartbeat (the polling fallback) is far longer than the wait below: only NOTIFY can deliver in time.
        await using var follower = new FeedFollower(logB, FeedSubscription.All(0), TimeSpan.FromMinutes(5));
        await Task.Delay(500); // let replica B's LISTEN connection start

        var sequences = new List<long>();
        for (var i = 0; i < 3; i++)
        {
            sequences.Add(await databaseA.WriteAsync((connection, transaction) =>
                logA.AppendAsync(connection, transaction, "k", EventLogHarnessExtensions.Payload("k", i), DateTimeOffset.UtcNow)));
            Assert.True(await follower.WaitForAsync(i + 1, TimeSpan.FromSeconds(5)), $"replica B's follower did not get event {i + 1} within 5 s");
        }

        Assert.Equal(sequences, follower.Sequences);
    }

    [PostgresFact]
    public async Task NextChange_AfterDispose_CompletesAtOnce()
    {
        await using var testDatabase = await PostgresServer.CreateDatabaseAsync();
        await using var database = new PostgresDatabase(testDatabase.ConnectionString);
        var log = new PostgresEventLog(database, "probe");
        _ = log.NextChange();

        await log.DisposeAsync();

        Assert.True(log.NextChange().IsCompleted);
    }
}
