using Microsoft.Data.Sqlite;

namespace Mesh.Storage.Sqlite;

public static class SqliteCommandExtensions
{
    /// <summary>
    /// A command for <paramref name="sql"/> in <paramref name="transaction"/>, with no parameters
    /// yet. On the connections <see cref="SqliteDatabase"/> hands out it is prepared once per
    /// connection and reused, so pass SQL whose text is the same on every call (values as
    /// parameters) and dispose the command when done, which hands it back. On any other
    /// connection it is a new command.
    /// </summary>
    public static SqliteCommand Prepared(this SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentException.ThrowIfNullOrWhiteSpace(sql);
        return connection is LongLivedSqliteConnection longLived
            ? longLived.Prepared(sql, transaction)
            : NewCommand(connection, sql, transaction);
    }

    /// <summary>A new, uncached command for <paramref name="sql"/> in <paramref name="transaction"/>.</summary>
    internal static SqliteCommand NewCommand(SqliteConnection connection, string sql, SqliteTransaction? transaction)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command;
    }
}
