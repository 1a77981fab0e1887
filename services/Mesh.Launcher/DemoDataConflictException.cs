namespace Mesh.Launcher;

/// <summary>
/// A service answered ALREADY_EXISTS to a demo seed request: the stored demo data differs from
/// what the launcher seeds, so seeding cannot make it match without destroying someone's data.
/// </summary>
public sealed class DemoDataConflictException : Exception
{
    /// <summary>Creates the exception.</summary>
    public DemoDataConflictException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public DemoDataConflictException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public DemoDataConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
