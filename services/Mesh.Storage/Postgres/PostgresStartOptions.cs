namespace Mesh.Storage.Postgres;

/// <summary>How long start-up waits for PostgreSQL (<c>Mesh:Storage:Postgres</c>).</summary>
public sealed class PostgresStartOptions
{
    /// <summary>
    /// How long to keep retrying the first connection and migration. In a cluster the database
    /// may start after the service; past this the process exits and Kubernetes restarts it.
    /// </summary>
    public TimeSpan StartTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The pause between attempts.</summary>
    public TimeSpan RetryInterval { get; set; } = TimeSpan.FromSeconds(1);
}
