using Mesh.ServiceDefaults.Health;

namespace Mesh.ServiceDefaults.Storage;

/// <summary>Readiness fails when the service's own database cannot be opened and read.</summary>
public sealed class SqliteReadinessCheck(SqliteDatabase database) : IReadinessCheck
{
    public string Name => "sqlite";

    public Task<bool> IsReadyAsync(CancellationToken cancellationToken) => database.IsUsableAsync(cancellationToken);
}
