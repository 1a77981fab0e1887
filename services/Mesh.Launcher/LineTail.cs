namespace Mesh.Launcher;

/// <summary>
/// The last lines a child process printed, kept so a failure message can say what it said last.
/// Written from the process's output callbacks and read from the launcher, hence the lock.
/// </summary>
public sealed class LineTail(int capacity)
{
    private readonly Queue<string> _lines = new();

    public void Add(string line)
    {
        lock (_lines)
        {
            if (_lines.Count == capacity)
            {
                _lines.Dequeue();
            }

            _lines.Enqueue(line);
        }
    }

    /// <summary>The lines kept, oldest first.</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }
}
