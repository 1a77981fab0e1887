namespace Mesh.Storage;

/// <summary>
/// Wakes everyone waiting for the next change at once. A reader takes <see cref="Next"/> before it
/// reads, so a change signalled between its read and its wait is never missed.
/// </summary>
public sealed class ChangeSignal
{
    private readonly Lock _gate = new();
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes at the next <see cref="Signal"/>.</summary>
    public Task Next()
    {
        lock (_gate)
        {
            return _next.Task;
        }
    }

    public void Signal()
    {
        TaskCompletionSource current;
        lock (_gate)
        {
            current = _next;
            _next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        current.TrySetResult();
    }
}
