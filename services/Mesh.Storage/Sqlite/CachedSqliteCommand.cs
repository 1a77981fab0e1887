using Microsoft.Data.Sqlite;

namespace Mesh.Storage.Sqlite;

/// <summary>
/// A command kept by a <see cref="LongLivedSqliteConnection"/> so its SQL is parsed once per
/// connection. Disposing it hands it back (parameters cleared, so no request's values stay
/// referenced); only the connection really disposes it, when it closes. Callers therefore keep
/// their usual <c>using</c>, and nothing changes for them if they get an uncached command instead.
/// </summary>
internal sealed class CachedSqliteCommand(string sql, SqliteConnection connection) : SqliteCommand(sql, connection)
{
    private bool _retired;

    /// <summary>True between <see cref="Rent"/> and the caller's dispose.</summary>
    public bool InUse { get; private set; }

    public void Rent(SqliteTransaction? transaction)
    {
        InUse = true;
        Transaction = transaction;
    }

    /// <summary>Really disposes it: its prepared statements are finalised.</summary>
    public void Retire()
    {
        _retired = true;
        Dispose();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_retired)
        {
            // A reader left open would hold the statement mid-step and, on a reader connection,
            // keep a WAL snapshot open; close it here rather than on the next use.
            DataReader?.Dispose();
            Parameters.Clear();
            Transaction = null;
            InUse = false;
            return;
        }

        base.Dispose(disposing);
    }
}
