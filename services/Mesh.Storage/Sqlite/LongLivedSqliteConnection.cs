using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Mesh.Storage.Sqlite;

/// <summary>
/// A connection <see cref="SqliteDatabase"/> keeps open for many operations (one at a time),
/// with its pragmas applied once and a cache of prepared commands by SQL text. Its
/// <see cref="Generation"/> says which incarnation of the database file it was opened on.
/// </summary>
internal sealed class LongLivedSqliteConnection(string connectionString, int generation) : SqliteConnection(connectionString)
{
    /// <summary>
    /// Bounds the cache when SQL texts vary (IN lists of different lengths); beyond it commands
    /// are prepared per use, as without a cache. The fixed statements of all three services are far fewer.
    /// </summary>
    private const int MaxCachedStatements = 256;

    private readonly Dictionary<string, CachedSqliteCommand> _statements = new(StringComparer.Ordinal);
    private PreparedStatementCommand? _idleCommand;

    public int Generation { get; } = generation;

    /// <summary>
    /// True when no transaction is open, so the next operation starts clean. A work item that
    /// threw may leave one open only if its rollback failed too; such a connection is closed.
    /// </summary>
    public bool IsIdle => State == System.Data.ConnectionState.Open && SQLitePCL.raw.sqlite3_get_autocommit(Handle) != 0;

    /// <summary>True while a transaction is open on it (SQLite may end one by itself after an I/O error, a full disk or a busy timeout).</summary>
    public bool IsInTransaction => State == System.Data.ConnectionState.Open && SQLitePCL.raw.sqlite3_get_autocommit(Handle) == 0;

    public static LongLivedSqliteConnection Open(string connectionString, int generation)
    {
        var connection = new LongLivedSqliteConnection(connectionString, generation);
        try
        {
            connection.Open();
            using var pragmas = connection.CreateCommand();
            pragmas.CommandText = "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 10000;";
            pragmas.ExecuteNonQuery();
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>The cached command for <paramref name="sql"/>, parameters empty, in <paramref name="transaction"/>.</summary>
    public SqliteCommand Prepared(string sql, SqliteTransaction? transaction)
    {
        if (_statements.TryGetValue(sql, out var cached))
        {
            if (!cached.InUse)
            {
                cached.Rent(transaction);
                return cached;
            }

            // The same SQL nested inside its own use: the inner use gets a command of its own.
            return SqliteCommandExtensions.NewCommand(this, sql, transaction);
        }

        if (_statements.Count >= MaxCachedStatements)
        {
            return SqliteCommandExtensions.NewCommand(this, sql, transaction);
        }

        var command = new CachedSqliteCommand(sql, this);
        _statements.Add(sql, command);
        command.Rent(transaction);
        return command;
    }

    /// <summary>What Dapper gets: a command that runs on this connection's prepared statements (the idle one, when there is one).</summary>
    protected override DbCommand CreateDbCommand()
    {
        var command = _idleCommand ?? new PreparedStatementCommand(this);
        _idleCommand = null;
        return command;
    }

    /// <summary>Keeps a disposed <see cref="PreparedStatementCommand"/> for the next call; one is enough (calls are one at a time).</summary>
    internal void Reuse(PreparedStatementCommand command)
    {
        if (_idleCommand is null)
        {
            _idleCommand = command;
        }
        else
        {
            command.Retire();
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            foreach (var command in _statements.Values)
            {
                command.Retire();
            }

            _statements.Clear();
            var idle = _idleCommand;
            _idleCommand = null;
            idle?.Retire();
        }

        base.Dispose(disposing);
    }
}
