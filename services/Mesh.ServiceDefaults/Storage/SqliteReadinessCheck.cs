using Mesh.ServiceDefaults.Health;
using Mesh.Storage.Sqlite;

namespace Mesh.ServiceDefaults.Storage;

/// <summary>Readiness fails when the service's own database is gone, unopenable or not at this build's schema.</summary>
public sealed class SqliteReadinessCheck(SqliteDatabase database, SqliteSchema schema) : IReadinessCheck
{
    public string Name => "sqlite";

    public Task<bool> IsReadyAsync(CancellationToken cancellationToken) => database.IsUsableAsync(schema.Migrations.Count, cancellationToken);
}
