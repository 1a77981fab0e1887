using Npgsql;

namespace Mesh.Storage.Postgres;

/// <summary>
/// The end of one <see cref="PostgresDatabase.WriteAsync{T}"/> transaction: the steps registered
/// for it are sent, in registration order, in ONE batch that ends with COMMIT, so whatever they
/// lock (an event log's append lock) is held only while the server runs them and commits — never
/// across a round trip to this process, whose next turn may be milliseconds away on a busy machine.
/// If a statement fails, PostgreSQL skips the rest of the batch, COMMIT included, and the caller's
/// transaction is rolled back as for any failed write.
/// </summary>
public sealed class PostgresCommit
{
    private readonly List<(object Owner, IPostgresCommitStep Step)> _steps = [];

    /// <summary>The step <paramref name="owner"/> registered for this commit, created by <paramref name="create"/> on first use.</summary>
    public TStep Step<TStep>(object owner, Func<TStep> create)
        where TStep : IPostgresCommitStep
    {
        ArgumentNullException.ThrowIfNull(owner);
        ArgumentNullException.ThrowIfNull(create);
        foreach (var (registered, step) in _steps)
        {
            if (ReferenceEquals(registered, owner))
            {
                return (TStep)step;
            }
        }

        var created = create();
        _steps.Add((owner, created));
        return created;
    }

    /// <summary>Commits <paramref name="transaction"/>, sending the registered steps with the COMMIT.</summary>
    internal async Task CommitAsync(NpgsqlConnection connection, NpgsqlTransaction transaction)
    {
        // Not cancelled once the work is done: a commit that may or may not have happened is worse than a late one.
        if (_steps.Count == 0)
        {
            await transaction.CommitAsync(CancellationToken.None);
            return;
        }

        await using (var batch = new NpgsqlBatch(connection, transaction))
        {
            foreach (var (_, step) in _steps)
            {
                step.AddTo(batch);
            }

            // A COMMIT statement ends the transaction on the server; Npgsql sees it idle again, so
            // disposing the NpgsqlTransaction afterwards neither commits nor rolls back anything.
            batch.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
            await using var reader = await batch.ExecuteReaderAsync(CancellationToken.None);
            var results = new PostgresBatchResults(reader);
            foreach (var (_, step) in _steps)
            {
                await step.ReadAsync(results);
            }

            await results.FinishAsync();
        }

        foreach (var (_, step) in _steps)
        {
            step.Committed();
        }
    }

    /// <summary>Tells every step the transaction did not (or may not have) committed; a no-op after a commit.</summary>
    internal void Abandon()
    {
        foreach (var (_, step) in _steps)
        {
            step.Abandoned();
        }
    }
}
