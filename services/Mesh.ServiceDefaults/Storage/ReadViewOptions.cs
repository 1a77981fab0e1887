namespace Mesh.ServiceDefaults.Storage;

/// <summary>Settings of the services' in-memory read views (<c>Mesh:Storage:ReadView</c>).</summary>
public sealed class ReadViewOptions
{
    public const string Section = "Mesh:Storage:ReadView";

    /// <summary>
    /// Entries each view holds at most (a user with its order statistics, or an item, is well under
    /// 1 KB); 0 turns the views off. Views exist only where one process writes the database (SQLite).
    /// </summary>
    public int Capacity { get; set; } = 10_000;
}
