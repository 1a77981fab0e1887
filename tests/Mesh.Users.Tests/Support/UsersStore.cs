using Mesh.Storage;
using Mesh.Storage.Postgres;
using Mesh.Storage.Sqlite;
using Mesh.Testing.Storage;
using Mesh.Users.Feeds;
using Mesh.Users.Storage;

namespace Mesh.Users.Tests.Support;

/// <summary>
/// The users stores and event log over one database object (one connection pool), as one
/// service process would hold them. Two of these on one PostgreSQL database are two replicas.
/// </summary>
public sealed class UsersStore : IAsyncDisposable
{
    private readonly Func<ValueTask> _dispose;

    private UsersStore(StoreDatabase database, IEventLog log, Func<ValueTask> dispose)
    {
        Users = new UserStore(database, log);
        Details = new UserDetailsView(TestReadViews.For(database));
        OrderStats = new OrderStatsStore(database, Details);
        Log = log;
        _dispose = dispose;
    }

    public UserStore Users { get; }

    public OrderStatsStore OrderStats { get; }

    /// <summary>GetUser's read of a user with its statistics (from memory on SQLite).</summary>
    public UserDetailsView Details { get; }

    public IEventLog Log { get; }

    public static async Task<UsersStore> OpenSqliteAsync(string path)
    {
        var database = new SqliteDatabase(path);
        await database.MigrateAsync(UsersSchema.Sqlite.Migrations);
        return new UsersStore(database, new SqliteEventLog(database, UserFeed.LogName), () =>
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
        return new UsersStore(database, log, async () =>
        {
            await log.DisposeAsync();
            await database.DisposeAsync();
        });
    }

    public ValueTask DisposeAsync() => _dispose();
}
