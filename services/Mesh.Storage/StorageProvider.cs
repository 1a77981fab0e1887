namespace Mesh.Storage;

/// <summary>Where a service keeps its state (<c>Mesh:Storage:Provider</c>).</summary>
public enum StorageProvider
{
    /// <summary>An embedded SQLite file: the default, for the local run and for one replica.</summary>
    Sqlite,

    /// <summary>A PostgreSQL database shared by every replica of the service.</summary>
    Postgres,
}
