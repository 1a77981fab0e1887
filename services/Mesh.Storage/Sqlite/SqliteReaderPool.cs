using System.Diagnostics.CodeAnalysis;

namespace Mesh.Storage.Sqlite;

/// <summary>
/// The idle reader connections of one database, most recently used first (its page cache and
/// prepared statements are warmest). Reads take one, or open one when none is idle, and give it
/// back; at most <paramref name="capacity"/> wait idle, the rest are closed on return.
/// </summary>
internal sealed class SqliteReaderPool(int capacity)
{
    private readonly Lock _gate = new();
    private readonly Stack<LongLivedSqliteConnection> _idle = new(capacity);
    private bool _closed;

    public bool TryTake(int generation, [NotNullWhen(true)] out LongLivedSqliteConnection? connection)
    {
        while (true)
        {
            LongLivedSqliteConnection? candidate = null;
            lock (_gate)
            {
                if (_idle.Count > 0)
                {
                    candidate = _idle.Pop();
                }
            }

            if (candidate is null)
            {
                connection = null;
                return false;
            }

            if (candidate.Generation == generation)
            {
                connection = candidate;
                return true;
            }

            // Opened on a database file that has since gone away.
            candidate.Dispose();
        }
    }

    /// <summary>Keeps <paramref name="connection"/> for the next read, or closes it when it may not be reused.</summary>
    public void Return(LongLivedSqliteConnection connection, int generation)
    {
        if (connection.Generation == generation && connection.IsIdle)
        {
            lock (_gate)
            {
                if (!_closed && _idle.Count < capacity)
                {
                    _idle.Push(connection);
                    return;
                }
            }
        }

        connection.Dispose();
    }

    /// <summary>Closes every idle connection; with <paramref name="forever"/> also those returned later.</summary>
    public void Clear(bool forever)
    {
        LongLivedSqliteConnection[] idle;
        lock (_gate)
        {
            _closed |= forever;
            idle = [.. _idle];
            _idle.Clear();
        }

        foreach (var connection in idle)
        {
            connection.Dispose();
        }
    }
}
