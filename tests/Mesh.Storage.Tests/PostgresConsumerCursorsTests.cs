using Mesh.Storage.Postgres;
using Npgsql;

namespace Mesh.Storage.Tests;

/// <summary>One cursor per consumer group: replicas applying the same consumer take turns on its row.</summary>
public sealed class PostgresConsumerCursorsTests
{
    private const string Consumer = "probe-consumer";

    [PostgresFact]
    public async Task Get_UnknownConsumer_IsZero()
    {
        await using var testDatabase = await PostgresServer.CreateDatabaseAsync();
        await using var database = await MigratedAsync(testDatabase.ConnectionString);

        Assert.Equal(0, await new PostgresConsumerCursors(database).GetAsync(Consumer, CancellationToken.None));
    }

    [PostgresFact]
    public async Task Set_NeverMovesBackwards_ResetDoes()
    {
        await using var testDatabase = await PostgresServer.CreateDatabaseAsync();
        await using var database = await MigratedAsync(testDatabase.ConnectionString);
        var cursors = new PostgresConsumerCursors(database);

        await database.WriteAsync(async (connection, transaction) =>
        {
            await PostgresConsumerCursors.SetAsync(connection, transaction, Consumer, 40, DateTimeOffset.UtcNow);
            await PostgresConsumerCursors.SetAsync(connection, transaction, Consumer, 12, DateTimeOffset.UtcNow);
            return 0;
        });
        Assert.Equal(40, await cursors.GetAsync(Consumer, CancellationToken.None));

        await database.WriteAsync(async (connection, transaction) =>
        {
            await PostgresConsumerCursors.ResetAsync(connection, transaction, Consumer, 7, DateTimeOffset.UtcNow);
            return 0;
        });
        Assert.Equal(7, await cursors.GetAsync(Consumer, CancellationToken.None));
    }

    [PostgresFact]
    public async Task Lock_TwoReplicasApplyingTheSameEventsAtOnce_EachEventTakesEffectOnce()
    {
        await using var testDatabase = await PostgresServer.CreateDatabaseAsync();
        // Two data sources = two replicas' connection pools.
        await using var replicaA = await MigratedAsync(testDatabase.ConnectionString);
        await using var replicaB = new PostgresDatabase(testDatabase.ConnectionString);
        await replicaA.WriteAsync(async (connection, transaction) =>
        {
            await using var create = new NpgsqlCommand("CREATE TABLE effects (sequence bigint NOT NULL);", connection, transaction);
            await create.ExecuteNonQueryAsync();
            return 0;
        });

        // Both replicas follow the same feed from the start, in order, in batches of different
        // sizes (so their batches overlap), several followers per replica.
        const int Events = 200;
        var followers = Enumerable.Range(0, 6).Select(follower => Task.Run(async () =>
        {
            var replica = follower % 2 == 0 ? replicaA : replicaB;
            var size = 3 + (follower * 4);
            for (var start = 1; start <= Events; start += size)
            {
                var batch = Enumerable.Range(start, Math.Min(size, Events - start + 1)).Select(value => (long)value).ToList();
                await ApplyAsync(replica, batch);
            }
        }));
        await Task.WhenAll(followers).WaitAsync(TimeSpan.FromSeconds(120));

        var applied = await replicaA.ReadAsync(async connection =>
        {
            await using var command = new NpgsqlCommand("SELECT sequence FROM effects ORDER BY sequence;", connection);
            await using var reader = await command.ExecuteReaderAsync();
            var list = new List<long>();
            while (await reader.ReadAsync())
            {
                list.Add(reader.GetInt64(0));
            }

            return list;
        });
        Assert.Equal(Enumerable.Range(1, Events).Select(value => (long)value), applied);
        Assert.Equal(Events, await new PostgresConsumerCursors(replicaB).GetAsync(Consumer, CancellationToken.None));
    }

    [PostgresFact]
    public async Task Lock_HeldByOneTransaction_TheOtherWaitsAndThenSeesTheNewCursor()
    {
        await using var testDatabase = await PostgresServer.CreateDatabaseAsync();
        await using var replicaA = await MigratedAsync(testDatabase.ConnectionString);
        await using var replicaB = new PostgresDatabase(testDatabase.ConnectionString);
        var holding = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var first = replicaA.WriteAsync(async (connection, transaction) =>
        {
            Assert.Equal(0, await PostgresConsumerCursors.LockAsync(connection, transaction, Consumer, DateTimeOffset.UtcNow));
            holding.SetResult();
            await release.Task;
            await PostgresConsumerCursors.SetAsync(connection, transaction, Consumer, 5, DateTimeOffset.UtcNow);
            return 0;
        });
        await holding.Task.WaitAsync(TimeSpan.FromSeconds(30));

        var second = replicaB.WriteAsync((connection, transaction) =>
            PostgresConsumerCursors.LockAsync(connection, transaction, Consumer, DateTimeOffset.UtcNow));
        await Task.Delay(300);
        Assert.False(second.IsCompleted, "the second replica must wait for the first one's transaction");

        release.SetResult();
        await first.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(5, await second.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    private static async Task ApplyAsync(PostgresDatabase replica, IReadOnlyList<long> batch) =>
        await replica.WriteAsync(async (connection, transaction) =>
        {
            var cursor = await PostgresConsumerCursors.LockAsync(connection, transaction, Consumer, DateTimeOffset.UtcNow);
            foreach (var sequence in batch.Where(sequence => sequence > cursor))
            {
                await using var insert = new NpgsqlCommand("INSERT INTO effects (sequence) VALUES ($1);", connection, transaction);
                insert.Parameters.Add(new NpgsqlParameter<long> { TypedValue = sequence });
                await insert.ExecuteNonQueryAsync();
                cursor = sequence;
            }

            await PostgresConsumerCursors.SetAsync(connection, transaction, Consumer, cursor, DateTimeOffset.UtcNow);
            return cursor;
        });

    private static async Task<PostgresDatabase> MigratedAsync(string connectionString)
    {
        var database = new PostgresDatabase(connectionString);
        await database.MigrateAsync([PostgresConsumerCursors.Migration]);
        return database;
    }
}
