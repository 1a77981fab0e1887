using Microsoft.Data.Sqlite;

namespace Mesh.Storage.Sqlite;

/// <summary>
/// One write waiting to run in a group transaction of <see cref="SqliteDatabase"/>: pending until a
/// group claims it (or its caller gives up first), then run, then completed when the group's
/// transaction has committed or failed.
/// </summary>
internal abstract class GroupedWrite
{
    private const int Pending = 0;
    private const int Claimed = 1;
    private const int Cancelled = 2;

    private int _state;

    /// <summary>What it threw (its savepoint was rolled back), or null.</summary>
    public Exception? Failure { get; set; }

    public bool IsClaimed => Volatile.Read(ref _state) == Claimed;

    /// <summary>Takes it for a group; false when its caller gave up waiting.</summary>
    public bool TryClaim() => Interlocked.CompareExchange(ref _state, Claimed, Pending) == Pending;

    /// <summary>Withdraws it before any group runs it; false when one already has.</summary>
    public bool TryCancel() => Interlocked.CompareExchange(ref _state, Cancelled, Pending) == Pending;

    public abstract Task RunAsync(SqliteConnection connection, SqliteTransaction transaction);

    /// <summary>Hands the caller its result, or <see cref="Failure"/>, or <paramref name="groupFailure"/> when the whole group did not commit.</summary>
    public abstract void Complete(Exception? groupFailure);
}

/// <summary>A <see cref="GroupedWrite"/> whose work returns a <typeparamref name="T"/>.</summary>
internal sealed class GroupedWrite<T>(Func<SqliteConnection, SqliteTransaction, Task<T>> work) : GroupedWrite
{
    private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private T? _result;

    public Task<T> Task => _completion.Task;

    public override async Task RunAsync(SqliteConnection connection, SqliteTransaction transaction) =>
        _result = await work(connection, transaction);

    public override void Complete(Exception? groupFailure)
    {
        if ((groupFailure ?? Failure) is { } failure)
        {
            _completion.TrySetException(failure);
        }
        else
        {
            _completion.TrySetResult(_result!);
        }
    }
}
