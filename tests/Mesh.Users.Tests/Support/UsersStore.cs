using Mesh.Storage;
using Mesh.Storage.Postgres;
using Mesh.Storage.Sqlite;
using Mesh.Users.Feeds;
using Mesh.Users.Storage;

namespace Mesh.Users.Tests.Support;

/// <summary>
/// The users repositories and event log of one provider over one database object (one
/// connection pool), as one service process would hold them. Two stores on one PostgreSQL
/// database are two replicas.
/// </summary>
public sealed class UsersStore : IAsyncDisposable
{
    private readonly Func<ValueTask> _dispose;

    private UsersStore(IUserRepository users, IOrderStatsRepository orderStats, IEventLog log, Func<ValueTask> dispose)
    {
        Users = users;
        OrderStats = orderStats;
        Log = log;
        _dispose = dispose;
    }

    public IUserRepository Users { get; }

    public IOrderStatsRepository OrderStats { get; }

    public IEventLog Log { get; }

    public static async Task<UsersStore> OpenSqliteAsync(string path)
    {
        var database = new SqliteDatabase(path);
        await database.MigrateAsync(UsersSchema.Sqlite.Migrations);
        var log = new SqliteEventLog(database, UserFeed.LogName);
        return new UsersStore(new SqliteUserRepository(database, log), new SqliteOrderStatsRepository(database), log, () =>
        {
            database.Dispose();
            return ValueTask.CompletedTask;
        });
    }

    public static async Task<UsersStore> OpenPostgresAsync(string connectionString)
    {
        var database = new PostgresDatabase(connectionString);
        await database.MigrateAsync(UsersSchema.Postgres.Migrations);
        var log = new PostgresEventLog(database, UserFeed.LogName);
        return new UsersStore(new PostgresUserRepository(database, log), new PostgresOrderStatsRepository(database), log, async () =>
        {
            await log.DisposeAsync();
            await database.DisposeAsync();
        });
    }

    public ValueTask DisposeAsync() => _dispose();
}
