namespace Mesh.Launcher;

/// <summary>
/// The dashboard could not be started; the message is one line saying why. The launcher prints it
/// and runs the mesh without the dashboard.
/// </summary>
public sealed class DashboardStartException : Exception
{
    /// <summary>Creates the exception.</summary>
    public DashboardStartException()
    {
    }

    /// <summary>Creates the exception with a one-line reason.</summary>
    public DashboardStartException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a one-line reason and its cause.</summary>
    public DashboardStartException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
