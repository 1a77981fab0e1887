namespace Mesh.Bench.Setup;

/// <summary>
/// Where the services' and the echo server's output goes: a file in the run's folder, so the
/// console shows only the harness's progress and the table, and a failure can still be read up.
/// </summary>
public sealed class ServiceLog : IDisposable
{
    private readonly StreamWriter writer;
    private readonly Lock gate = new();
    private readonly Timer flusher;

    public ServiceLog(string path)
    {
        Path = path;
        // Buffered: a flush per line would make the harness pay a write(2) for every line the
        // services print (a dozen per PlaceOrder at the shipped Information level).
        writer = new StreamWriter(path, append: false, System.Text.Encoding.UTF8, bufferSize: 1 << 16);
        // Still readable while the run goes on (e.g. for a service's pid), a second behind at most.
        flusher = new Timer(_ => Flush(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    public string Path { get; }

    public void Write(string line)
    {
        lock (gate)
        {
            writer.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {line}");
        }
    }

    public void Dispose()
    {
        flusher.Dispose();
        lock (gate)
        {
            writer.Dispose();
        }
    }

    private void Flush()
    {
        lock (gate)
        {
            if (writer.BaseStream.CanWrite)
            {
                writer.Flush();
            }
        }
    }
}
