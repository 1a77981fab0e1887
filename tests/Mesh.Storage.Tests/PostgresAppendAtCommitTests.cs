using Mesh.Storage.Postgres;
using Npgsql;

namespace Mesh.Storage.Tests;

/// <summary>
/// Appending with the commit (<see cref="PostgresEventLog.AppendAtCommit"/>): the append lock is
/// taken in the commit's own round trip, so a transaction that is slow before its commit holds
/// no other appender up, and a failure anywhere in the batch rolls the whole transaction back.
/// </summary>
public sealed class PostgresAppendAtCommitTests
{
    // A bound on waits that would otherwise hang a broken build; no test asserts a speed.
    private static readonly TimeSpan Bounded = TimeSpan.FromSeconds(60);

    [PostgresFact]
    public async Task AppendAtCommit_WriterStalledBeforeCommit_OtherWriterCommitsFirstAndGetsTheSmallerSequence()
    {
        await using var harness = await PostgresHarness.CreateAsync();
        var log = new PostgresEventLog(harness.Database, "probe");
        var registered = new TaskCompletionSource();
        var release = new TaskCompletionSource();

        var slow = harness.Database.WriteAsync(async (connection, transaction) =>
        {
            var sequence = log.AppendAtCommit(transaction, "slow", EventLogHarnessExtensions.Payload("slow", 0), DateTimeOffset.UtcNow);
            registered.SetResult();
            await release.Task; // stalled between its append and its commit
            return sequence;
        });
        await registered.Task.WaitAsync(Bounded);

        // With AppendAsync this writer would wait for the stalled one's lock until it committed.
        var fast = await harness.Database.WriteAsync((connection, transaction) =>
            Task.FromResult(log.AppendAtCommit(transaction, "fast", EventLogHarnessExtensions.Payload("fast", 0), DateTimeOffset.UtcNow))).WaitAsync(Bounded);
        var fastSequence = await fast.WaitAsync(Bounded);
        release.SetResult();
        var slowSequence = await (await slow.WaitAsync(Bounded)).WaitAsync(Bounded);

        // Sequence order is commit order.
        Assert.True(fastSequence < slowSequence, $"fast {fastSequence}, slow {slowSequence}");
        var events = await harness.Log.ReadAsync(0, slowSequence, 10, [], CancellationToken.None);
        Assert.Equal(["fast", "slow"], events.Select(stored => stored.FilterKey));
    }

    [PostgresFact]
    public async Task AppendAtCommit_WorkThrows_SequenceCancelledAndNothingWritten()
    {
        await using var harness = await PostgresHarness.CreateAsync();
        var log = new PostgresEventLog(harness.Database, "probe");
        Task<long>? sequence = null;

        await Assert.ThrowsAsync<RollbackException>(() => harness.Database.WriteAsync<bool>((connection, transaction) =>
        {
            sequence = log.AppendAtCommit(transaction, "lost", EventLogHarnessExtensions.Payload("lost", 0), DateTimeOffset.UtcNow);
            throw new RollbackException();
        }));

        Assert.NotNull(sequence);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sequence);
        Assert.Equal(0, (await harness.Log.PositionAsync(CancellationToken.None)).Head);
    }

    [PostgresFact]
    public async Task WriteAsync_StatementSentWithCommitFails_WholeTransactionRolledBackAndConnectionReusable()
    {
        await using var harness = await PostgresHarness.CreateAsync();
        var log = new PostgresEventLog(harness.Database, "probe");
        await harness.Database.WriteAsync(async (connection, transaction) =>
        {
            await using var create = new NpgsqlCommand("CREATE TABLE notes (note text NOT NULL);", connection, transaction);
            return await create.ExecuteNonQueryAsync();
        });

        Task<long>? sequence = null;
        await Assert.ThrowsAsync<PostgresException>(() => harness.Database.WriteAsync(async (connection, transaction) =>
        {
            await using (var insert = new NpgsqlCommand("INSERT INTO notes VALUES ('written before the failing commit');", connection, transaction))
            {
                await insert.ExecuteNonQueryAsync();
            }

            sequence = log.AppendAtCommit(transaction, "k", EventLogHarnessExtensions.Payload("k", 0), DateTimeOffset.UtcNow);
            harness.Database.CommitOf(transaction).Step(this, () => new FailingStep());
            return true;
        }));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sequence!);
        var notes = await harness.Database.ReadAsync(async connection =>
        {
            await using var count = new NpgsqlCommand("SELECT count(*) FROM notes;", connection);
            return (long)(await count.ExecuteScalarAsync())!;
        });
        Assert.Equal(0, notes);
        Assert.Equal(0, (await harness.Log.PositionAsync(CancellationToken.None)).Head);

        // The failed batch left neither a transaction nor the append lock behind on a pooled connection.
        var next = await harness.AppendAsync(["after"], DateTimeOffset.UtcNow).WaitAsync(Bounded);
        Assert.Single(next);
    }

    [PostgresFact]
    public async Task AppendAtCommit_TransactionNotRunByWriteAsync_Throws()
    {
        await using var harness = await PostgresHarness.CreateAsync();
        var log = new PostgresEventLog(harness.Database, "probe");
        await using var connection = await harness.Database.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();

        // Thrown at once, not through the task: it would otherwise commit without the event.
        var thrown = Record.Exception(() => { _ = log.AppendAtCommit(transaction, "k", EventLogHarnessExtensions.Payload("k", 0), DateTimeOffset.UtcNow); });
        Assert.IsType<InvalidOperationException>(thrown);
    }

    /// <summary>A step whose statement fails on the server, after the log's inserts and before the COMMIT.</summary>
    private sealed class FailingStep : IPostgresCommitStep
    {
        public void AddTo(NpgsqlBatch batch) => batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT 1 / 0;"));

        public async Task ReadAsync(PostgresBatchResults results) => await results.NextAsync();

        public void Committed()
        {
        }

        public void Abandoned()
        {
        }
    }
}
