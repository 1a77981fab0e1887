using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Mesh.Storage.Tests;

/// <summary>
/// Stores query through Dapper, which builds a new command per call; on SQLite each statement must
/// still be parsed once per connection and kept, not parsed again on every call.
/// </summary>
public sealed class SqlitePreparedStatementTests
{
    private const string Sql = "SELECT count(*) FROM things WHERE n > @n;";

    [Fact]
    public async Task DapperQuery_RunTwiceOnOneConnection_OneStatementStaysPrepared()
    {
        await using var store = await StoreHarness.CreateAsync(StorageProvider.Sqlite);

        var (afterFirst, afterSecond, counted) = await store.Database.ReadAsync(async session =>
        {
            // SQLitePCL finds statements by handle only once told to track them.
            ((SqliteConnection)session.Connection).Handle!.enable_sqlite3_next_stmt(true);
            await session.ExecuteScalarAsync<long>(Sql, new { n = 0 });
            var first = PreparedCopies(session);
            var count = await session.ExecuteScalarAsync<long>(Sql, new { n = -1 });
            return (first, PreparedCopies(session), count);
        }, CancellationToken.None);

        Assert.Equal((1, 1), (afterFirst, afterSecond));
        Assert.Equal(0, counted);
    }

    [Fact]
    public async Task DapperQuery_SameSqlNestedInsideItsOwnReader_BothRunWithTheirOwnParameters()
    {
        await using var store = await StoreHarness.CreateAsync(StorageProvider.Sqlite);
        await store.Database.WriteAsync(async session =>
        {
            await store.InsertAsync(session, "a", "a", 1);
            await store.InsertAsync(session, "b", "b", 2);
        }, CancellationToken.None);

        var pairs = await store.Database.ReadAsync(async session =>
        {
            var outer = await session.QueryAsync<long>("SELECT n FROM things WHERE n >= @n ORDER BY n;", new { n = 1 });
            var result = new List<(long, long)>();
            foreach (var value in outer)
            {
                var inner = await session.QueryAsync<long>("SELECT n FROM things WHERE n >= @n ORDER BY n;", new { n = value + 1 });
                result.Add((value, inner.Count()));
            }

            return result;
        }, CancellationToken.None);

        Assert.Equal([(1L, 1L), (2L, 0L)], pairs);
    }

    /// <summary>How many statements with <see cref="Sql"/>'s text the connection holds prepared.</summary>
    private static int PreparedCopies(StoreSession session)
    {
        var handle = ((SqliteConnection)session.Connection).Handle;
        var count = 0;
        for (var statement = raw.sqlite3_next_stmt(handle, null); statement is not null && !statement.IsInvalid; statement = raw.sqlite3_next_stmt(handle, statement))
        {
            if (raw.sqlite3_sql(statement).utf8_to_string().StartsWith(Sql.TrimEnd(';'), StringComparison.Ordinal))
            {
                count++;
            }
        }

        return count;
    }
}
