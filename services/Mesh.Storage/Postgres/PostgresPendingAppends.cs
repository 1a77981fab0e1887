using Google.Protobuf;
using Npgsql;

namespace Mesh.Storage.Postgres;

/// <summary>
/// The events one transaction appends to one <see cref="PostgresEventLog"/>, sent with its
/// COMMIT: the log's append lock first, then one insert per event in the order they were added
/// (separate statements, so the sequences follow that order), the last one also waking the
/// followers (one notification per transaction is enough: a follower re-reads up to the head).
/// </summary>
internal sealed class PostgresPendingAppends(PostgresEventLog log) : IPostgresCommitStep
{
    private readonly List<Pending> _events = [];

    /// <summary>Adds an event; the task completes with its sequence once the transaction committed, and is cancelled otherwise.</summary>
    public Task<long> Add(string filterKey, IMessage payload, DateTimeOffset occurTime)
    {
        var pending = new Pending(filterKey, payload, occurTime);
        _events.Add(pending);
        return pending.Sequence.Task;
    }

    public void AddTo(NpgsqlBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        batch.BatchCommands.Add(log.LockCommand());
        for (var i = 0; i < _events.Count; i++)
        {
            var pending = _events[i];
            batch.BatchCommands.Add(log.InsertCommand(pending.FilterKey, pending.Payload, pending.OccurTime, notify: i == _events.Count - 1));
        }
    }

    public async Task ReadAsync(PostgresBatchResults results)
    {
        ArgumentNullException.ThrowIfNull(results);
        await results.NextAsync(); // the lock's (void) row
        foreach (var pending in _events)
        {
            var reader = await results.NextAsync();
            if (!await reader.ReadAsync())
            {
                throw new InvalidOperationException($"Appending to the {log.Name} log returned no sequence.");
            }

            pending.Read = reader.GetInt64(0);
        }
    }

    public void Committed()
    {
        foreach (var pending in _events)
        {
            pending.Sequence.TrySetResult(pending.Read);
        }
    }

    // Cancelled, not faulted: callers that do not need the sequence ignore the task, and a
    // cancelled task, unlike a faulted one, is not reported as an unobserved exception.
    public void Abandoned()
    {
        foreach (var pending in _events)
        {
            pending.Sequence.TrySetCanceled();
        }
    }

    private sealed class Pending(string filterKey, IMessage payload, DateTimeOffset occurTime)
    {
        public string FilterKey { get; } = filterKey;

        public IMessage Payload { get; } = payload;

        public DateTimeOffset OccurTime { get; } = occurTime;

        public TaskCompletionSource<long> Sequence { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public long Read { get; set; }
    }
}
