namespace Mesh.Launcher;

/// <summary>The mesh could not be started; the message says which service and why.</summary>
public sealed class MeshLaunchException : Exception
{
    /// <summary>Creates the exception.</summary>
    public MeshLaunchException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public MeshLaunchException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public MeshLaunchException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>A failure of <paramref name="process"/>, followed by the last lines it printed.</summary>
    public static MeshLaunchException For(ServiceProcess process, string reason)
    {
        ArgumentNullException.ThrowIfNull(process);
        var tail = process.OutputTail;
        var printed = tail.Count == 0
            ? "It printed nothing."
            : $"Its last output:{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", tail);
        return new MeshLaunchException($"{process.Spec.Info.Name}: {reason}{Environment.NewLine}{printed}");
    }
}
