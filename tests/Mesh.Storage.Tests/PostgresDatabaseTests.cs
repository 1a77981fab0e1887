using Mesh.Storage.Postgres;
using Npgsql;

namespace Mesh.Storage.Tests;

public sealed class PostgresDatabaseTests
{
    private static readonly string[] Migrations =
    [
        "CREATE TABLE widgets (id bigint PRIMARY KEY, name text NOT NULL);",
        "ALTER TABLE widgets ADD COLUMN colour text;",
        "CREATE TABLE widget_log (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, note text NOT NULL);",
    ];

    [PostgresFact]
    public async Task MigrateAsync_ManyReplicasStartAtOnceOnEmptyDatabase_EachMigrationAppliedOnce()
    {
        await using var testDatabase = await PostgresServer.CreateDatabaseAsync();
        var replicas = Enumerable.Range(0, 6).Select(_ => new PostgresDatabase(testDatabase.ConnectionString)).ToList();
        try
        {
            using var start = new Barrier(replicas.Count);
            await Task.WhenAll(replicas.Select(replica => Task.Run(async () =>
            {
                start.SignalAndWait(TimeSpan.FromSeconds(30));
                await replica.MigrateAsync(Migrations);
            }))).WaitAsync(TimeSpan.FromSeconds(60));

            var versions = await replicas[0].ReadAsync(async connection =>
            {
                await using var command = new NpgsqlCommand("SELECT version FROM schema_migrations ORDER BY version;", connection);
                var list = new List<int>();
                await using var reader = await command.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    list.Add(reader.GetInt32(0));
                }

                return list;
            });
            Assert.Equal([1, 2, 3], versions);
            Assert.True(await replicas[0].IsUsableAsync(Migrations.Length, CancellationToken.None));
        }
        finally
        {
            foreach (var replica in replicas)
            {
                await replica.DisposeAsync();
            }
        }
    }

    [PostgresFact]
    public async Task MigrateAsync_RunTwiceAndThenWithMore_AppliesOnlyTheNewOnes()
    {
        await using var testDatabase = await PostgresServer.CreateDatabaseAsync();
        await using var database = new PostgresDatabase(testDatabase.ConnectionString);
        Assert.False(await database.IsUsableAsync(2, CancellationToken.None));

        await database.MigrateAsync(Migrations[..2]);
        await database.MigrateAsync(Migrations[..2]);
        Assert.True(await database.IsUsableAsync(2, CancellationToken.None));

        await database.MigrateAsync(Migrations);
        Assert.True(await database.IsUsableAsync(3, CancellationToken.None));
        await Assert.ThrowsAsync<InvalidOperationException>(() => database.MigrateAsync(Migrations[..1]));
    }

    [PostgresFact]
    public async Task WriteAsync_WorkThrows_NothingIsCommitted()
    {
        await using var testDatabase = await PostgresServer.CreateDatabaseAsync();
        await using var database = new PostgresDatabase(testDatabase.ConnectionString);
        await database.MigrateAsync(Migrations);

        await Assert.ThrowsAsync<RollbackException>(() => database.WriteAsync<int>(async (connection, transaction) =>
        {
            await using var insert = new NpgsqlCommand("INSERT INTO widgets (id, name) VALUES (1, 'lost');", connection, transaction);
            await insert.ExecuteNonQueryAsync();
            throw new RollbackException();
        }));
        await database.WriteAsync(async (connection, transaction) =>
        {
            await using var insert = new NpgsqlCommand("INSERT INTO widgets (id, name) VALUES (2, 'kept');", connection, transaction);
            return await insert.ExecuteNonQueryAsync();
        });

        var names = await database.ReadAsync(async connection =>
        {
            await using var command = new NpgsqlCommand("SELECT string_agg(name, ',' ORDER BY id) FROM widgets;", connection);
            return (string?)await command.ExecuteScalarAsync();
        });
        Assert.Equal("kept", names);
    }

    [PostgresFact]
    public async Task IsUsableAsync_ServerUnreachable_ReturnsFalse()
    {
        await using var database = new PostgresDatabase("Host=127.0.0.1;Port=1;Username=postgres;Timeout=2");
        Assert.False(await database.IsUsableAsync(1, CancellationToken.None));
    }
}
