using Mesh.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Mesh.ServiceDefaults.Tests;

public sealed class SqliteDatabaseTests : IDisposable
{
    private static readonly string[] Migrations =
    [
        "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL);",
        "ALTER TABLE notes ADD COLUMN author TEXT;",
    ];

    private readonly string _folder = Directory.CreateTempSubdirectory("mesh-sqlite-").FullName;

    private string DbPath => Path.Combine(_folder, "nested", "notes.db");

    [Fact]
    public async Task MigrateAsync_NewFile_CreatesFolderAndAppliesEveryMigrationOnce()
    {
        using var database = new SqliteDatabase(DbPath);

        await database.MigrateAsync(Migrations);
        await database.MigrateAsync(Migrations);

        Assert.True(await database.IsUsableAsync(Migrations.Length, CancellationToken.None));
        var journal = await database.ReadAsync(async connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA journal_mode;";
            return (string?)await command.ExecuteScalarAsync();
        });
        Assert.Equal("wal", journal);
    }

    [Fact]
    public async Task MigrateAsync_DatabaseNewerThanBuild_Refuses()
    {
        using var database = await MigratedDatabaseAsync();

        await Assert.ThrowsAsync<InvalidOperationException>(() => database.MigrateAsync(Migrations[..1]));
    }

    [Fact]
    public async Task IsUsableAsync_FileDeleted_IsFalseAndNothingIsRecreated()
    {
        using var database = await MigratedDatabaseAsync();
        SqliteConnection.ClearAllPools();

        DeleteDatabaseFiles();

        Assert.False(await database.IsUsableAsync(Migrations.Length, CancellationToken.None));
        await Assert.ThrowsAsync<SqliteException>(() => database.ReadAsync(_ => Task.FromResult(0)));
        Assert.False(File.Exists(DbPath));
    }

    [Fact]
    public async Task IsUsableAsync_OlderSchema_IsFalse()
    {
        using var database = new SqliteDatabase(DbPath);
        await database.MigrateAsync(Migrations[..1]);

        Assert.False(await database.IsUsableAsync(Migrations.Length, CancellationToken.None));
    }

    [Fact]
    public async Task WriteAsync_WorkThrows_RollsBack()
    {
        using var database = await MigratedDatabaseAsync();

        await Assert.ThrowsAsync<InvalidOperationException>(() => database.WriteAsync<int>(async (connection, transaction) =>
        {
            using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = "INSERT INTO notes (body) VALUES ('lost');";
            await insert.ExecuteNonQueryAsync();
            throw new InvalidOperationException("fail after the insert");
        }));

        var count = await database.ReadAsync(async connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT count(*) FROM notes;";
            return (long)(await command.ExecuteScalarAsync())!;
        });
        Assert.Equal(0, count);
    }

    [Fact]
    public async Task ReadAndWrite_FileDeletedWhileConnectionsAreOpen_FailAndNothingIsRecreated()
    {
        using var database = await MigratedDatabaseAsync();
        // Open the long-lived writer and a reader before the file goes.
        await InsertAsync(database, "before");
        Assert.Equal(1, await CountAsync(database));

        DeleteDatabaseFiles();

        Assert.False(await database.IsUsableAsync(Migrations.Length, CancellationToken.None));
        await Assert.ThrowsAsync<SqliteException>(() => CountAsync(database));
        await Assert.ThrowsAsync<SqliteException>(() => InsertAsync(database, "after"));
        Assert.False(File.Exists(DbPath));
    }

    [Fact]
    public async Task WriteAsync_FileJustDeleted_FailsAtOnceSoNoWriteGoesToTheDeletedFile()
    {
        using var database = await MigratedDatabaseAsync();
        await InsertAsync(database, "before");

        DeleteDatabaseFiles();

        // No readiness check ran in between: the write itself must notice.
        await Assert.ThrowsAsync<SqliteException>(() => InsertAsync(database, "after"));
        Assert.False(File.Exists(DbPath));
    }

    [Fact]
    public async Task ReadAsync_FileJustDeleted_FailsAtOnceRatherThanServeTheDeletedFile()
    {
        using var database = await MigratedDatabaseAsync();
        await InsertAsync(database, "before");
        Assert.Equal(1, await CountAsync(database));

        DeleteDatabaseFiles();

        // The idle reader still holds the deleted inode; the read must not answer from it.
        await Assert.ThrowsAsync<SqliteException>(() => CountAsync(database));
        Assert.False(File.Exists(DbPath));
    }

    [Fact]
    public async Task WriteAsync_AfterWorkThrew_NextWriteCommits()
    {
        using var database = await MigratedDatabaseAsync();

        await Assert.ThrowsAsync<InvalidOperationException>(() => database.WriteAsync<int>(async (connection, transaction) =>
        {
            await InsertAsync(connection, transaction, "lost");
            throw new InvalidOperationException("fail after the insert");
        }));
        await InsertAsync(database, "kept");

        Assert.Equal(["kept"], await BodiesAsync(database));
    }

    [Fact]
    public async Task WriteAsync_AfterSqliteErrorInWork_NextWriteCommits()
    {
        using var database = await MigratedDatabaseAsync();

        // A statement SQLite itself refuses, after a row was written in the same transaction.
        await Assert.ThrowsAsync<SqliteException>(() => database.WriteAsync<int>(async (connection, transaction) =>
        {
            await InsertAsync(connection, transaction, "lost");
            using var broken = connection.Prepared("INSERT INTO missing_table (body) VALUES ('x');", transaction);
            return await broken.ExecuteNonQueryAsync();
        }));
        await InsertAsync(database, "kept");

        Assert.Equal(["kept"], await BodiesAsync(database));
    }

    [Fact]
    public async Task WriteAsync_CancelledBetweenStatements_WritesNothingAndNextWriteCommits()
    {
        using var database = await MigratedDatabaseAsync();
        using var cancellation = new CancellationTokenSource();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => database.WriteAsync<int>(async (connection, transaction) =>
        {
            await InsertAsync(connection, transaction, "first half");
            await cancellation.CancelAsync();
            using var second = connection.Prepared("INSERT INTO notes (body) VALUES ('second half');", transaction);
            return await second.ExecuteNonQueryAsync(cancellation.Token);
        }));
        await InsertAsync(database, "kept");

        Assert.Equal(["kept"], await BodiesAsync(database));
    }

    [Fact]
    public async Task ReadAsync_WhileWritesCommit_SeesOnlyWholeTransactions()
    {
        using var database = await MigratedDatabaseAsync();
        const int Writes = 100;

        // Every write adds two rows in one transaction, so a reader must never see an odd count.
        var writer = Task.Run(async () =>
        {
            for (var i = 0; i < Writes; i++)
            {
                await database.WriteAsync(async (connection, transaction) =>
                {
                    await InsertAsync(connection, transaction, "a");
                    await InsertAsync(connection, transaction, "b");
                    return 0;
                });
            }
        });
        var readers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            var seen = new List<long>();
            long count;
            do
            {
                count = await CountAsync(database);
                seen.Add(count);
            }
            while (count < 2 * Writes && !writer.IsFaulted);

            return seen;
        })).ToList();

        await writer;
        var counts = (await Task.WhenAll(readers)).SelectMany(seen => seen).ToList();
        Assert.All(counts, count => Assert.Equal(0, count % 2));
        Assert.Equal(2 * Writes, await CountAsync(database));
    }

    [Fact]
    public async Task Prepared_SameSqlWithNewParameters_UsesEachCallsValues()
    {
        using var database = await MigratedDatabaseAsync();
        await InsertAsync(database, "one");
        await InsertAsync(database, "two");

        var bodies = await database.ReadAsync(async connection =>
        {
            var found = new List<string>();
            foreach (var id in new[] { 2L, 1L, 2L })
            {
                using var select = connection.Prepared("SELECT body FROM notes WHERE id = $id;");
                select.Parameters.AddWithValue("$id", id);
                found.Add((string)(await select.ExecuteScalarAsync())!);
            }

            return found;
        });

        Assert.Equal(["two", "one", "two"], bodies);
    }

    [Fact]
    public async Task Prepared_SameSqlNestedInsideItsOwnReader_BothRun()
    {
        using var database = await MigratedDatabaseAsync();
        await InsertAsync(database, "one");
        await InsertAsync(database, "two");
        const string Sql = "SELECT id, body FROM notes WHERE id >= $from ORDER BY id;";

        var pairs = await database.ReadAsync(async connection =>
        {
            var found = new List<string>();
            using var outer = connection.Prepared(Sql);
            outer.Parameters.AddWithValue("$from", 1);
            await using var reader = await outer.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                using var inner = connection.Prepared(Sql);
                inner.Parameters.AddWithValue("$from", reader.GetInt64(0) + 1);
                var next = await inner.ExecuteScalarAsync();
                found.Add($"{reader.GetString(1)}->{next ?? "end"}");
            }

            return found;
        });

        Assert.Equal(["one->2", "two->end"], pairs);
    }

    [Fact]
    public async Task Dispose_ClosesEveryConnection()
    {
        var database = await MigratedDatabaseAsync();
        await InsertAsync(database, "one");
        Assert.Equal(1, await CountAsync(database));
        Assert.True(File.Exists(DbPath + "-wal"));

        database.Dispose();

        // SQLite checkpoints and removes the WAL file when the last connection to it closes.
        Assert.False(File.Exists(DbPath + "-wal"));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => CountAsync(database));
    }

    private static Task InsertAsync(SqliteDatabase database, string body) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            await InsertAsync(connection, transaction, body);
            return 0;
        });

    private static async Task InsertAsync(SqliteConnection connection, SqliteTransaction transaction, string body)
    {
        using var insert = connection.Prepared("INSERT INTO notes (body) VALUES ($body);", transaction);
        insert.Parameters.AddWithValue("$body", body);
        await insert.ExecuteNonQueryAsync();
    }

    private static Task<long> CountAsync(SqliteDatabase database) =>
        database.ReadAsync(async connection =>
        {
            using var command = connection.Prepared("SELECT count(*) FROM notes;");
            return (long)(await command.ExecuteScalarAsync())!;
        });

    private static Task<List<string>> BodiesAsync(SqliteDatabase database) =>
        database.ReadAsync(async connection =>
        {
            using var command = connection.Prepared("SELECT body FROM notes ORDER BY id;");
            var bodies = new List<string>();
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                bodies.Add(reader.GetString(0));
            }

            return bodies;
        });

    /// <summary>A database on <see cref="DbPath"/> with every migration applied.</summary>
    private async Task<SqliteDatabase> MigratedDatabaseAsync()
    {
        var database = new SqliteDatabase(DbPath);
        await database.MigrateAsync(Migrations);
        return database;
    }

    private void DeleteDatabaseFiles()
    {
        foreach (var file in Directory.GetFiles(Path.GetDirectoryName(DbPath)!))
        {
            File.Delete(file);
        }
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}
