using Mesh.ServiceDefaults.Storage;
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
        using var database = new SqliteDatabase(DbPath);
        await database.MigrateAsync(Migrations);

        await Assert.ThrowsAsync<InvalidOperationException>(() => database.MigrateAsync(Migrations[..1]));
    }

    [Fact]
    public async Task IsUsableAsync_FileDeleted_IsFalseAndNothingIsRecreated()
    {
        using var database = new SqliteDatabase(DbPath);
        await database.MigrateAsync(Migrations);
        SqliteConnection.ClearAllPools();

        foreach (var file in Directory.GetFiles(Path.GetDirectoryName(DbPath)!))
        {
            File.Delete(file);
        }

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
        using var database = new SqliteDatabase(DbPath);
        await database.MigrateAsync(Migrations);

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

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}
