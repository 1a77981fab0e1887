using Mesh.ServiceDefaults.Health;
using Mesh.Storage.Postgres;

namespace Mesh.ServiceDefaults.Storage;

/// <summary>Readiness fails when the service's PostgreSQL database does not answer or is not at this build's schema.</summary>
public sealed class PostgresReadinessCheck(PostgresDatabase database, PostgresSchema schema) : IReadinessCheck
{
    public string Name => "postgres";

    public Task<bool> IsReadyAsync(CancellationToken cancellationToken) => database.IsUsableAsync(schema.Migrations.Count, cancellationToken);
}
