using Npgsql;

namespace Mesh.Storage.Postgres;

/// <summary>Walks the result sets of an executed batch, one per row-returning statement, in order.</summary>
public sealed class PostgresBatchResults(NpgsqlDataReader reader)
{
    private bool _started;

    /// <summary>The reader positioned on the next result set.</summary>
    /// <exception cref="InvalidOperationException">The batch has no more result sets.</exception>
    public async Task<NpgsqlDataReader> NextAsync()
    {
        // ExecuteReader leaves the reader on the first result set already.
        if (_started && !await reader.NextResultAsync())
        {
            throw new InvalidOperationException("The commit batch returned fewer result sets than its steps read.");
        }

        _started = true;
        return reader;
    }

    /// <summary>Runs the batch's remaining statements (the COMMIT), so that their errors surface here.</summary>
    internal async Task FinishAsync()
    {
        while (await reader.NextResultAsync())
        {
        }
    }
}
